import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';

export interface ExampleProcess {
  child: ChildProcess;
  output: () => string;
  stop(): void;
}

/**
 * Starts one of the examples/ apps as the README says (`node <file>` with its env) and waits until it
 * prints `ready` (its "listening" line).
 */
export async function startExample(file: string, env: Record<string, string>, ready: string): Promise<ExampleProcess> {
  const child = spawn(process.execPath, [resolve(file)], {
    env: { ...process.env, NODE_OPTIONS: '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const deadline = Date.now() + 20000;
  while (!out.includes(ready)) {
    if (Date.now() > deadline || child.exitCode !== null) {
      child.kill('SIGKILL');
      throw new Error(`${file} did not start:\n${out}`);
    }
    await new Promise((r) => setTimeout(r, 25));
  }
  return { child, output: () => out, stop: () => void child.kill() };
}
