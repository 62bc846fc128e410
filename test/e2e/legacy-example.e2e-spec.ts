import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { ADMIN_CLIENT_ID, ADMIN_CLIENT_SECRET, startTestApp, type TestApp } from '../helpers/test-app.js';

const run = promisify(execFile);

describe('examples/legacy-api runs against a fresh server', () => {
  let t: TestApp;
  let work: string;
  beforeAll(async () => {
    t = await startTestApp();
    work = mkdtempSync(join(tmpdir(), 'tessera-legacy-'));
  });
  afterAll(async () => {
    rmSync(work, { recursive: true, force: true });
    await t.cleanup();
  });

  it('configures an encrypted-token API and reads a token with only its own key', async () => {
    const { stdout } = await run(process.execPath, [resolve('examples/legacy-api/setup.mjs')], {
      cwd: work,
      env: { ...process.env, NODE_OPTIONS: '', TESSERA_URL: t.baseUrl, ADMIN_CLIENT_ID, ADMIN_CLIENT_SECRET },
    });
    expect(stdout).toContain('access token (a compact JWE, five parts): 5 parts');
    expect(stdout).toMatch(/the legacy API reads: \{[\s\S]*aud: 'https:\/\/legacy\.example\.com'[\s\S]*scope: 'read:orders'/);
  });
});
