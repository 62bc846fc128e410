import { connect } from 'node:net';
import { expectManagementError, expectOAuthError } from '../helpers/expect-error.js';
import { startTestApp, type TestApp } from '../helpers/test-app.js';

/** Request size and time limits: refused early, in Auth0's shape where a body can be written. */
describe('request limits', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ BODY_LIMIT: '4096', HEADERS_TIMEOUT_MS: '1000', REQUEST_TIMEOUT_MS: '1000' });
  });
  afterAll(async () => {
    await t.cleanup();
  });

  it('refuses bodies over BODY_LIMIT with 413 on both surfaces', async () => {
    const big = JSON.stringify({ name: 'x'.repeat(5000), identifier: 'https://big' });
    const mgmt = await fetch(`${t.baseUrl}/api/v2/resource-servers`, {
      method: 'POST',
      headers: { authorization: `Bearer ${await t.adminToken()}`, 'content-type': 'application/json' },
      body: big,
    });
    expectManagementError({ status: mgmt.status, body: await mgmt.json() }, 413, 'payload_too_large');
    const oauth = await fetch(`${t.baseUrl}/oauth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: `grant_type=${'x'.repeat(5000)}`,
    });
    expectOAuthError({ status: oauth.status, body: await oauth.json() }, 413, 'invalid_request');
  });

  it('refuses headers over 16 KiB with 431', async () => {
    const res = await fetch(`${t.baseUrl}/.well-known/jwks.json`, { headers: { 'x-filler': 'y'.repeat(20000) } });
    expect(res.status).toBe(431);
  });

  it('closes a connection whose headers never finish (slow loris), answering 408', async () => {
    const { port } = new URL(t.baseUrl);
    const answer = await new Promise<string>((resolve, reject) => {
      const socket = connect(Number(port), '127.0.0.1', () => socket.write('GET /.well-known/jwks.json HTTP/1.1\r\nHost: x\r\n'));
      let data = '';
      socket.on('data', (d) => (data += d.toString()));
      socket.on('close', () => resolve(data));
      socket.on('error', reject);
      // Node checks header deadlines every 30 s at most; give it that long, no more.
      socket.setTimeout(45000, () => {
        socket.destroy();
        reject(new Error('the server kept a half-open request past 45 s'));
      });
    });
    expect(answer).toMatch(/^HTTP\/1\.1 408/);
  }, 60000);
});
