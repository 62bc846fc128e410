import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startTestApp, type TestApp } from '../helpers/test-app.js';

describe('/dashboard static files', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp();
  });

  afterAll(async () => {
    await t.cleanup();
  });

  const get = (path: string, init?: RequestInit) => fetch(`${t.baseUrl}${path}`, { redirect: 'manual', ...init });

  it('serves index.html at /dashboard and /dashboard/ with a strict CSP and no framing', async () => {
    const index = readFileSync(join(process.cwd(), 'dashboard', 'index.html'), 'utf8');
    for (const path of ['/dashboard', '/dashboard/']) {
      const res = await get(path);
      expect({ status: res.status, type: res.headers.get('content-type'), body: await res.text() }).toEqual({
        status: 200,
        type: 'text/html; charset=utf-8',
        body: index,
      });
      const csp = res.headers.get('content-security-policy') ?? '';
      expect(csp.split('; ')).toEqual(
        expect.arrayContaining([
          "default-src 'none'",
          "script-src 'self'",
          "style-src 'self'",
          "connect-src 'self'",
          "frame-ancestors 'none'",
          "require-trusted-types-for 'script'",
        ]),
      );
      expect(csp).not.toMatch(/unsafe-inline|unsafe-eval/);
      expect({
        frame: res.headers.get('x-frame-options'),
        nosniff: res.headers.get('x-content-type-options'),
        referrer: res.headers.get('referrer-policy'),
        cookie: res.headers.get('set-cookie'),
      }).toEqual({ frame: 'DENY', nosniff: 'nosniff', referrer: 'no-referrer', cookie: null });
    }
  });

  it('serves the modules and styles with their types', async () => {
    const js = await get('/dashboard/js/main.js');
    expect({ status: js.status, type: js.headers.get('content-type'), csp: Boolean(js.headers.get('content-security-policy')) }).toEqual({
      status: 200,
      type: 'text/javascript; charset=utf-8',
      csp: true,
    });
    expect(await js.text()).toBe(readFileSync(join(process.cwd(), 'dashboard', 'js', 'main.js'), 'utf8'));
    const css = await get('/dashboard/css/dashboard.css');
    expect({ status: css.status, type: css.headers.get('content-type') }).toEqual({ status: 200, type: 'text/css; charset=utf-8' });
  });

  it('answers the single-page routes with index.html, so reloads and bookmarks work', async () => {
    const res = await get('/dashboard/apis/rs_123');
    expect({ status: res.status, type: res.headers.get('content-type') }).toEqual({ status: 200, type: 'text/html; charset=utf-8' });
  });

  it('answers 404 for missing files and never reaches outside its folder', async () => {
    for (const path of [
      '/dashboard/js/missing.js',
      '/dashboard/../package.json',
      '/dashboard/%2e%2e/package.json',
      '/dashboard/..%2fpackage.json',
      '/dashboard/js/%2e%2e%2f%2e%2e%2fpackage.json',
    ]) {
      const res = await get(path);
      const body = await res.text();
      expect({ path, status: res.status, leaked: body.includes('"dependencies"') }).toEqual({
        path,
        status: res.status === 200 ? 200 : 404,
        leaked: false,
      });
      if (res.status === 200) {
        // A path the URL parser folded back into /dashboard/ (e.g. /dashboard/../x is /x) is still only our index.
        expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
      }
    }
    const missing = await get('/dashboard/js/missing.js');
    expect({ status: missing.status, frame: missing.headers.get('x-frame-options'), body: await missing.text() }).toEqual({
      status: 404,
      frame: 'DENY',
      body: 'Not found',
    });
  });
});
