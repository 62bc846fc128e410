import express, { type NextFunction, type Request, type Response } from 'express';
import fc from 'fast-check';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { BodyError, readSimpleBody, simpleBodyKind } from './request-body.js';

/*
 * The token route reads its bodies with request-body.ts instead of Express's parsers. For every request
 * simpleBodyKind accepts, the result must be what configureApp's parsers give: the same object (keys,
 * order, arrays, prototype) or the same error (status and type, which is what ApiErrorFilter renders).
 */

const LIMIT = 100 * 1024;

type Outcome = { body: unknown; keys: string[] | undefined; plain: boolean } | { error: { status: unknown; type: unknown } };

function describeBody(body: unknown): Outcome {
  const isObject = typeof body === 'object' && body !== null;
  return {
    body,
    keys: isObject ? Object.keys(body) : undefined,
    plain: isObject && Object.getPrototypeOf(body) === (Array.isArray(body) ? Array.prototype : Object.prototype),
  };
}

function listen(server: Server): Promise<string> {
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`)),
  );
}

describe('request-body', () => {
  let viaExpress: Server;
  let viaReader: Server;
  let expressUrl: string;
  let readerUrl: string;

  beforeAll(async () => {
    const app = express();
    app.use(express.json({ limit: LIMIT }));
    app.use(express.urlencoded({ limit: LIMIT, extended: false, parameterLimit: 200 }));
    app.post('/', (req: Request, res: Response) => {
      res.json(describeBody(req.body));
    });
    app.use((err: { status?: unknown; type?: unknown }, _req: Request, res: Response, _next: NextFunction) => {
      res.json({ error: { status: err.status, type: err.type } });
    });
    viaExpress = createServer(app);
    viaReader = createServer((req, res) => {
      const kind = simpleBodyKind(req.headers, LIMIT);
      const done = (o: unknown) => res.setHeader('content-type', 'application/json').end(JSON.stringify(o));
      if (!kind) {
        done({ skipped: true });
        return;
      }
      readSimpleBody(req, kind).then(
        (body) => done(describeBody(body)),
        (e: unknown) => done(e instanceof BodyError ? { error: { status: e.status, type: e.type } } : { error: String(e) }),
      );
    });
    [expressUrl, readerUrl] = await Promise.all([listen(viaExpress), listen(viaReader)]);
  });

  afterAll(async () => {
    await Promise.all([viaExpress, viaReader].map((s) => new Promise((r) => s.close(r))));
  });

  async function both(contentType: string, body: Uint8Array | string): Promise<[unknown, unknown]> {
    const post = async (url: string) =>
      (await fetch(url, { method: 'POST', headers: { 'content-type': contentType }, body })).json() as Promise<unknown>;
    return Promise.all([post(expressUrl), post(readerUrl)]);
  }

  const formPieces = fc.constantFrom(
    'grant_type',
    'client_id',
    'audience',
    'a',
    'B',
    '0',
    '1',
    '07',
    '__proto__',
    'constructor',
    'toString',
    'hasOwnProperty',
    '=',
    '=',
    '&',
    '&',
    '&&',
    '+',
    '%',
    '%2',
    '%20',
    '%2B',
    '%3D',
    '%26',
    '%41',
    '%E0%A4',
    '%F0%9F%98%80',
    '%FF',
    'é',
    '\uFEFF',
    '[',
    ']',
    '[]',
    ']=',
    'a[b]',
    '[a]',
    '[0]',
    'a[]',
    '%5B',
    '%5d',
    '%255B',
    '.',
    'x.y',
  );
  const formBody = fc
    .array(fc.oneof({ weight: 4, arbitrary: formPieces }, { weight: 1, arbitrary: fc.string({ maxLength: 6 }) }), { maxLength: 24 })
    .map((p) => p.join(''));

  it('parses form bodies as Express urlencoded (extended: false) does', async () => {
    for (const body of [
      '[a]=1',
      'a[]=1&a[]=2',
      '[0]=x',
      'a=1&[a]=2',
      '[]=5',
      'a]=b=c',
      'x%5Bq%5D=1',
      '__proto__=1&a=2',
      'a=1&a=2&a=3',
      'a+b=c+d',
      'a=%E0%A4',
    ]) {
      const [expected, actual] = await both('application/x-www-form-urlencoded', body);
      expect(actual).toEqual(expected);
    }
    await fc.assert(
      fc.asyncProperty(formBody, async (body) => {
        const [expected, actual] = await both('application/x-www-form-urlencoded', body);
        expect(actual).toEqual(expected);
      }),
      { numRuns: 400 },
    );
  });

  it('parses JSON bodies as Express json (strict) does', async () => {
    const jsonish = fc.oneof(
      fc.json(),
      fc.json().map((j) => ` \n\t${j}`),
      fc.constantFrom(
        '',
        ' ',
        '[]',
        '{}',
        '"x"',
        '1',
        'null',
        'true',
        '{"a":',
        '[1,',
        '\uFEFF{"a":1}',
        '{"__proto__":{"x":1}}',
        '{"a":1,"a":2}',
        'nul',
      ),
      fc.string({ maxLength: 12 }),
    );
    await fc.assert(
      fc.asyncProperty(
        jsonish,
        fc.constantFrom('application/json', 'application/json; charset=utf-8', 'Application/JSON;charset=UTF-8'),
        async (body, type) => {
          const [expected, actual] = await both(type, body);
          expect(actual).toEqual(expected);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('decodes arbitrary bytes (invalid UTF-8, byte order marks) the same way', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uint8Array({ maxLength: 40 }),
        fc.constantFrom('application/x-www-form-urlencoded', 'application/json'),
        async (bytes, type) => {
          const [expected, actual] = await both(type, bytes);
          expect(actual).toEqual(expected);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('refuses more than 200 parameters with the same error', async () => {
    const [expected, actual] = await both('application/x-www-form-urlencoded', 'a=1&'.repeat(200) + 'b=2');
    expect(expected).toEqual({ error: { status: 413, type: 'parameters.too.many' } });
    expect(actual).toEqual(expected);
    const [fits, fitsToo] = await both('application/x-www-form-urlencoded', 'a=1&'.repeat(199) + 'b=2');
    expect(fitsToo).toEqual(fits);
  });

  it('leaves every other request to Express', () => {
    const headers = (h: Record<string, string>) => ({ 'content-length': '10', ...h });
    expect(simpleBodyKind(headers({ 'content-type': 'application/x-www-form-urlencoded' }), LIMIT)).toBe('form');
    expect(simpleBodyKind(headers({ 'content-type': 'application/json; charset=UTF-8' }), LIMIT)).toBe('json');
    const others: Record<string, string>[] = [
      { 'content-type': 'application/x-www-form-urlencoded; charset=iso-8859-1' },
      { 'content-type': 'application/json; charset=utf-16' },
      { 'content-type': 'text/plain' },
      { 'content-type': 'application/x-www-form-urlencoded', 'content-encoding': 'gzip' },
      { 'content-type': 'application/x-www-form-urlencoded', 'transfer-encoding': 'chunked' },
      { 'content-type': 'application/x-www-form-urlencoded', 'content-length': String(LIMIT + 1) },
      {},
    ];
    for (const h of others) {
      expect(simpleBodyKind(headers(h), LIMIT)).toBeUndefined();
    }
  });
});
