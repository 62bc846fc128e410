import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { Browser, parseForm } from '../helpers/browser.js';
import { ADMIN_CLIENT_ID, ADMIN_CLIENT_SECRET, freePort, startTestApp, type TestApp } from '../helpers/test-app.js';

const run = promisify(execFile);

describe('examples/login-web-app: log in through a browser to a sample callback and see the tokens', () => {
  let t: TestApp;
  let app: ChildProcess | undefined;

  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => {
    app?.kill();
    await t.cleanup();
  });

  it('follows the README: setup.mjs, app.mjs, then the login in a browser', async () => {
    const appUrl = `http://127.0.0.1:${await freePort()}`;
    const env = { ...process.env, NODE_OPTIONS: '', TESSERA_URL: t.baseUrl, ADMIN_CLIENT_ID, ADMIN_CLIENT_SECRET, APP_URL: appUrl };
    const { stdout } = await run(process.execPath, [resolve('examples/login-web-app/setup.mjs')], { env });
    const start = /^TESSERA_ISSUER=(\S+) CLIENT_ID=(\S+) CLIENT_SECRET=(\S+) API_AUDIENCE=(\S+) APP_URL=(\S+) node app\.mjs$/m.exec(stdout);
    const password = /password: (\S+)/.exec(stdout)?.[1];
    expect(start).not.toBeNull();
    expect(password).toBeDefined();

    const child = spawn(process.execPath, [resolve('examples/login-web-app/app.mjs')], {
      env: { ...env, TESSERA_ISSUER: start![1], CLIENT_ID: start![2], CLIENT_SECRET: start![3], API_AUDIENCE: start![4] },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    app = child;
    await new Promise<void>((ok, fail) => {
      let err = '';
      child.stdout!.on('data', (d: Buffer) => (d.toString().includes('Sample Web App on') ? ok() : undefined));
      child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
      child.on('exit', (code) => fail(new Error(`app.mjs exited with ${code}: ${err}`)));
    });

    const browser = new Browser();
    const toTessera = await browser.get(`${appUrl}/login?api=1`);
    expect(toTessera.location).toMatch(new RegExp(`^${t.baseUrl}/authorize\\?`));
    const login = await browser.follow(await browser.get(toTessera.location!), t.baseUrl);
    const back = await browser.submit(parseForm(login.text, login.url), { username: 'demo@example.com', password: password! });
    expect(back.location).toMatch(new RegExp(`^${appUrl}/callback\\?code=`));
    const shown = await browser.get(back.location!);
    expect(shown.status).toBe(200);
    expect(shown.text).toContain('Logged in as <strong>demo@example.com</strong>');
    expect(shown.text).toContain('it is a JWT');
    expect(shown.text).toContain('https://sample-api.example.com');
    expect(shown.text).toContain('received (rotated on every use)');
    expect(shown.text).toMatch(/\/userinfo<\/h2><pre>\{\n {2}&quot;sub&quot;: &quot;auth0\|/);

    // Without the API: the opaque, userinfo-only token.
    const again = await browser.get(`${appUrl}/login`);
    const sso = await browser.get(again.location!);
    const shown2 = await browser.get(sso.location!);
    expect(shown2.text).toContain('an opaque token (a JWE');
  });
});
