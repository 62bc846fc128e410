import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

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

/** What an example's setup.mjs printed: each `KEY=value ... node <file>` command's variables, in order. */
export interface ExampleSetup {
  commands: Record<string, string>[];
  output: string;
}

/** Runs an example's setup.mjs (as the README says) against a Tessera, as the bootstrap admin client. */
export async function runExampleSetup(file: string, env: Record<string, string>): Promise<ExampleSetup> {
  const { stdout } = await run(process.execPath, [resolve(file)], { env: { ...process.env, NODE_OPTIONS: '', ...env } });
  const commands = stdout
    .split('\n')
    .filter((line) => /^[A-Z_]+=\S+ .*node \S+\.mjs$/.test(line))
    .map((line) =>
      Object.fromEntries(
        line
          .split(' ')
          .filter((w) => /^[A-Z_]+=/.test(w))
          .map((w) => [w.slice(0, w.indexOf('=')), w.slice(w.indexOf('=') + 1)]),
      ),
    );
  return { commands, output: stdout };
}
