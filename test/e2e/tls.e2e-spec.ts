import { execFile } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { ADMIN_CLIENT_ID, ADMIN_CLIENT_SECRET, startTestApp, type TestApp } from '../helpers/test-app.js';
import { makeTestCertificate } from '../helpers/test-certificate.js';

const run = promisify(execFile);

/**
 * With TLS_CERT_FILE/TLS_KEY_FILE Tessera serves HTTPS itself, so the official SDK, which always speaks
 * https to `domain`, works with no request rewriting at all (the client process only trusts this test's self-signed cert).
 */
describe('HTTPS with TLS_CERT_FILE and TLS_KEY_FILE: the auth0 SDK unmodified', () => {
  let t: TestApp;
  let certDir: string;

  beforeAll(async () => {
    certDir = makeTestCertificate('tessera-tls-').dir;
    t = await startTestApp({ TLS_CERT_FILE: join(certDir, 'cert.pem'), TLS_KEY_FILE: join(certDir, 'key.pem') });
  });
  afterAll(async () => {
    await t?.cleanup();
    rmSync(certDir, { recursive: true, force: true });
  });

  it('serves the issuer over https', () => {
    expect(t.issuer).toBe(`https://127.0.0.1:${new URL(t.baseUrl).port}/`);
  });

  it('lets ManagementClient get its own token with client credentials and manage APIs', async () => {
    const { stdout } = await run(
      process.execPath,
      [resolve('test/fixtures/tls-sdk-client.mjs'), new URL(t.baseUrl).host, ADMIN_CLIENT_ID, ADMIN_CLIENT_SECRET],
      {
        env: { ...process.env, NODE_OPTIONS: '', NODE_EXTRA_CA_CERTS: join(certDir, 'cert.pem') },
      },
    );
    expect(JSON.parse(stdout)).toEqual({ identifier: 'https://tls.example', name: 'TLS', default_audience: 'https://tls.example' });
  });
});
