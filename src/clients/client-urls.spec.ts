import { clientUrlProblem } from './client-urls.js';

describe('clientUrlProblem', () => {
  it.each([
    ['https://app.example.com/callback', 'callback'],
    ['http://localhost:3000/cb?x=1', 'callback'],
    ['https://*.example.com/callback', 'callback'],
    ['com.example.app://callback', 'callback'],
    ['myapp:/oauth2redirect', 'callback'],
    ['https://app.example.com/bye#done', 'logout'],
    ['https://app.example.com', 'origin'],
    ['https://app.example.com:8443/', 'origin'],
    ['https://*.example.com', 'origin'],
    ['capacitor://localhost', 'origin'],
  ] as const)('accepts %s as a %s URL', (url, kind) => {
    expect(clientUrlProblem(url, kind)).toBeUndefined();
  });

  it.each([
    ['', 'callback', /non-empty/],
    ['app.example.com/callback', 'callback', /scheme/],
    ['/callback', 'callback', /scheme/],
    ['javascript:alert(1)', 'callback', /not allowed/],
    ['DATA:text/html,x', 'logout', /not allowed/],
    ['https://app.example.com/cb#x', 'callback', /fragment/],
    ['https://app.example.com/a b', 'callback', /white space/],
    ['https://a.*.example.com/cb', 'callback', /wildcard/],
    ['https://*.com/cb', 'callback', /wildcard/],
    ['https://*.example.com/*', 'callback', /wildcard/],
    ['https://user:pass@app.example.com/', 'callback', /user information/],
    ['https://', 'callback', /not a valid URL|host/],
    ['https://app.example.com/path', 'origin', /origin/],
    ['https://app.example.com?x=1', 'origin', /origin/],
    [`https://app.example.com/${'a'.repeat(2100)}`, 'callback', /at most/],
    [42, 'callback', /string/],
  ] as const)('refuses %s as a %s URL', (url, kind, why) => {
    expect(clientUrlProblem(url, kind)).toMatch(why);
  });
});
