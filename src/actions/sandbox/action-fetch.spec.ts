import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ActionFetcher, FETCH_LIMITS, readFetchRequest, type FetchRequest } from './action-fetch.js';

describe('readFetchRequest', () => {
  const ok = { url: 'https://api.example/', method: 'get', headers: [['X-A', '1']] };

  it('reads a request, upper-casing the method and defaulting redirect to follow', () => {
    expect(readFetchRequest(ok)).toEqual({
      url: 'https://api.example/',
      method: 'GET',
      headers: [['X-A', '1']],
      body: undefined,
      redirect: 'follow',
    });
    expect(readFetchRequest({ ...ok, method: 'post', body: '{}', redirect: 'manual' })).toMatchObject({
      method: 'POST',
      body: '{}',
      redirect: 'manual',
    });
  });

  it.each<[string, unknown, RegExp]>([
    ['no URL', { method: 'GET' }, /needs a URL/],
    ['a URL too long', { url: `https://a.example/${'x'.repeat(FETCH_LIMITS.urlLength)}` }, /needs a URL of at most/],
    ['an unknown method', { ...ok, method: 'CONNECT' }, /does not support the method "CONNECT"/],
    ['a header with a line break', { ...ok, headers: [['X-A', 'a\r\nHost: evil']] }, /without line breaks/],
    ['a header name that is not a token', { ...ok, headers: [['X A', '1']] }, /without line breaks/],
    ['the Host header', { ...ok, headers: [['Host', 'internal']] }, /may not set the header Host/],
    ['a Transfer-Encoding header', { ...ok, headers: [['transfer-encoding', 'chunked']] }, /may not set the header/],
    ['a proxy header', { ...ok, headers: [['Proxy-Authorization', 'x']] }, /may not set the header/],
    ['too many headers', { ...ok, headers: Array.from({ length: 101 }, (_, i) => [`x-${i}`, '1']) }, /at most 100 headers/],
    ['a GET with a body', { ...ok, body: 'x' }, /GET request cannot have a body/],
    ['a body that is not a string', { ...ok, method: 'POST', body: 5 }, /string body/],
    ['a body too large', { ...ok, method: 'POST', body: 'x'.repeat(FETCH_LIMITS.requestBytes + 1) }, /larger than 256 KB/],
    ['an unknown redirect mode', { ...ok, redirect: 'sometimes' }, /redirect must be/],
  ])('refuses %s', (_what, raw, message) => {
    expect(() => readFetchRequest(raw)).toThrow(message);
  });
});

describe('ActionFetcher', () => {
  let server: Server;
  let port: number;
  const fetcher = () => new ActionFetcher({ actionsFetchAllowedHosts: [`127.0.0.1:${port}`] });
  const get = (path: string, extra: Partial<FetchRequest> = {}) =>
    fetcher().fetch(
      { url: `http://127.0.0.1:${port}${path}`, method: 'GET', headers: [], redirect: 'follow', ...extra },
      new AbortController().signal,
    );

  beforeAll(async () => {
    server = createServer((req, res) => {
      const url = req.url ?? '/';
      if (url.startsWith('/loop/')) {
        res.writeHead(302, { location: `/loop/${Number(url.slice(6)) + 1}` }).end();
      } else if (url === '/see-other') {
        res.writeHead(303, { location: '/echo' }).end();
      } else if (url === '/declared-huge') {
        res.writeHead(200, { 'content-length': String(FETCH_LIMITS.responseBytes + 1) }).end();
      } else {
        let body = '';
        req.on('data', (c: Buffer) => (body += c.toString()));
        req.on('end', () =>
          res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ url, method: req.method, body })),
        );
      }
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => new Promise((resolve) => server.close(resolve)));

  it('follows at most 3 redirects, and reports manual ones as they are', async () => {
    await expect(get('/loop/0')).rejects.toThrow('fetch followed more than 3 redirects');
    const manual = await get('/loop/0', { redirect: 'manual' });
    expect(manual).toMatchObject({ status: 302, redirected: false, headers: expect.arrayContaining([['location', '/loop/1']]) });
    await expect(get('/loop/0', { redirect: 'error' })).rejects.toThrow(/was redirected, and redirect is 'error'/);
  });

  it('turns a POST into a GET without body on 303, as fetch does', async () => {
    const res = await get('/see-other', { method: 'POST', body: 'x', headers: [['content-type', 'text/plain']] });
    expect({ status: res.status, redirected: res.redirected, body: JSON.parse(res.body) as unknown }).toEqual({
      status: 200,
      redirected: true,
      body: { url: '/echo', method: 'GET', body: '' },
    });
  });

  it('refuses a declared body over the cap before reading it', async () => {
    await expect(get('/declared-huge')).rejects.toThrow('The response body is larger than 1 MB');
  });

  it('allows exactly the listed host:port, nothing beside it', async () => {
    const other = new ActionFetcher({ actionsFetchAllowedHosts: [`127.0.0.1:${port + 1}`] });
    await expect(
      other.fetch({ url: `http://127.0.0.1:${port}/`, method: 'GET', headers: [], redirect: 'follow' }, new AbortController().signal),
    ).rejects.toThrow('fetch to 127.0.0.1 refused: it resolves to 127.0.0.1, a loopback address');
    await expect(
      other.fetch({ url: `http://user:pw@example.com/`, method: 'GET', headers: [], redirect: 'follow' }, new AbortController().signal),
    ).rejects.toThrow('fetch URLs may not hold credentials');
  });
});
