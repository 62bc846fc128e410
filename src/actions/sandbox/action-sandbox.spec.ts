import { FetchError, type FetchRequest, type HostFetch } from './action-fetch.js';
import { ActionFailure, ActionSandbox } from './action-sandbox.js';

const EVENT = { user: { user_id: 'auth0|1' }, secrets: { KEY: 'v' } };
let n = 0;
const version = (code: string) => ({ versionId: `v${++n}`, code });

describe('ActionSandbox', () => {
  const sandbox = new ActionSandbox();
  afterAll(() => sandbox.onApplicationShutdown());

  const run = (code: string) => sandbox.run(version(code), 'onExecutePostLogin', EVENT);
  const failure = async (code: string) => {
    const err = await run(code).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(ActionFailure);
    return (err as Error).message;
  };

  it('records api calls in order, and reads the event', async () => {
    const calls = await run(`exports.onExecutePostLogin = async (event, api) => {
      api.idToken.setCustomClaim('https://x/uid', event.user.user_id);
      api.accessToken.setCustomClaim('k', event.secrets.KEY).accessToken.addScope('extra');
      api.user.setAppMetadata('plan', 'pro');
    };`);
    expect(calls).toEqual([
      ['id', 'https://x/uid', 'auth0|1'],
      ['access', 'k', 'v'],
      ['add', 'extra'],
      ['app', 'plan', 'pro'],
    ]);
  });

  it('reports syntax errors without running anything', () => {
    expect(sandbox.check('exports.onExecutePostLogin = async (event, api) => {')).toEqual([
      { id: 'syntax_error', msg: expect.stringMatching(/^Unexpected token .*action.js:2/) },
    ]);
    expect(sandbox.check('exports.onExecutePostLogin = async () => {};')).toEqual([]);
    expect(sandbox.check('x'.repeat(200 * 1024))[0].id).toBe('code_too_large');
  });

  it('passes a thrown message through, without a stack', async () => {
    expect(await failure(`exports.onExecutePostLogin = async () => { throw new Error('no access for you'); };`)).toBe('no access for you');
  });

  it('reaches no Node API: require, import, process, constructor tricks', async () => {
    const probe = `exports.onExecutePostLogin = async (event, api) => {
      const r = {};
      try { require('fs'); r.require = 'loaded'; } catch (e) { r.require = e.message; }
      try { await import('node:fs'); r.import = 'loaded'; } catch (e) { r.import = String(e.message || e); }
      r.process = typeof process;
      r.ctor = (() => { try { return typeof (function(){}).constructor.constructor('return process')(); } catch (e) { return 'threw'; } })();
      r.viaApi = typeof api.idToken.setCustomClaim.constructor.constructor('return this.process')();
      r.viaEvent = typeof event.constructor.constructor('return globalThis.process')();
      r.viaConsole = typeof console.log.constructor('return typeof require')();
      r.globals = ['setTimeout', 'fetch', 'Buffer', 'global', 'module'].filter((g) => typeof globalThis[g] !== 'undefined');
      api.idToken.setCustomClaim('r', r);
    };`;
    const [[, , r]] = await run(probe);
    expect(r).toEqual({
      require: "Cannot require 'fs': Tessera Actions cannot load modules",
      import: 'Not supported',
      process: 'undefined',
      ctor: 'threw',
      viaApi: 'undefined',
      viaEvent: 'undefined',
      viaConsole: 'string',
      globals: [],
    });
  });

  it('stops an endless loop and a promise that never settles, and the event loop keeps turning', async () => {
    let ticks = 0;
    const tick = setInterval(() => ticks++, 20);
    const started = Date.now();
    expect(await failure(`exports.onExecutePostLogin = async () => { while (true) {} };`)).toMatch(/timed out/);
    expect(await failure(`exports.onExecutePostLogin = async () => { await null; for (;;) {} };`)).toMatch(/timed out|disposed/);
    expect(await failure(`exports.onExecutePostLogin = () => new Promise(() => {});`)).toMatch(/timed out/);
    clearInterval(tick);
    // Three runs of about a second each; the host's timer fired throughout (not a timing assertion on speed).
    expect(ticks).toBeGreaterThan(((Date.now() - started) / 20) * 0.3);
  });

  it('stops an action that exhausts its memory, and the next run starts cold and works', async () => {
    const v = version(`const keep = [];
      exports.onExecutePostLogin = async (event, api) => {
        if (event.grow) { for (;;) keep.push(new Array(1e6).fill(1)); }
        api.idToken.setCustomClaim('ok', true);
      };`);
    const err = await sandbox.run(v, 'onExecutePostLogin', { grow: true }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ActionFailure);
    expect(await sandbox.run(v, 'onExecutePostLogin', {})).toEqual([['id', 'ok', true]]);
  });

  it('cannot stop the host: process.exit and kill are not there', async () => {
    expect(await failure(`exports.onExecutePostLogin = async () => { process.exit(1); };`)).toMatch(/process is not defined/);
    expect(await failure(`exports.onExecutePostLogin = async () => { globalThis.process.kill(1); };`)).toMatch(/undefined/);
  });

  it('says clearly that multifactor is not available', async () => {
    expect(await failure(`exports.onExecutePostLogin = async (e, api) => { api.multifactor.enable('any'); };`)).toMatch(
      /api.multifactor .* is not available/,
    );
  });

  describe('fetch', () => {
    const seen: FetchRequest[] = [];
    /** A host fetch that answers from a table, as the real one would after its checks. */
    const fake: HostFetch = async (req, signal) => {
      seen.push(req);
      if (req.url.endsWith('/hang')) {
        return new Promise((_, reject) => signal.addEventListener('abort', () => reject(new FetchError('aborted'))));
      }
      if (req.url.includes('127.0.0.1')) {
        throw new FetchError('fetch to 127.0.0.1 refused: it resolves to 127.0.0.1, a loopback address');
      }
      return {
        status: 200,
        statusText: 'OK',
        url: req.url,
        redirected: false,
        headers: [['content-type', 'application/json']],
        body: JSON.stringify({ echo: req.body ?? null, method: req.method }),
      };
    };
    const withFetch = (code: string, event: unknown = EVENT) => sandbox.run(version(code), 'onExecutePostLogin', event, { fetch: fake });

    it('is absent unless the run allows it', async () => {
      const code = `exports.onExecutePostLogin = async (event, api) => { api.idToken.setCustomClaim('t', typeof fetch); };`;
      expect(await run(code)).toEqual([['id', 't', 'undefined']]);
      expect(await withFetch(code)).toEqual([['id', 't', 'function']]);
    });

    it('hands requests to the host as data and responses back as copies', async () => {
      seen.length = 0;
      const calls = await withFetch(`exports.onExecutePostLogin = async (event, api) => {
        const res = await fetch('https://api.example/x', { method: 'post', headers: { 'X-A': '1' }, body: JSON.stringify({ u: event.user.user_id }) });
        const body = await res.json();
        let again; try { await res.text(); } catch (e) { again = e.message; }
        api.idToken.setCustomClaim('r', [res.status, res.ok, res.headers.get('Content-Type'), body, again]);
        api.idToken.setCustomClaim('host', typeof fetch.constructor.constructor('return this.process')());
      };`);
      expect(calls).toEqual([
        ['id', 'r', [200, true, 'application/json', { echo: '{"u":"auth0|1"}', method: 'POST' }, 'Body has already been consumed.']],
        ['id', 'host', 'undefined'],
      ]);
      expect(seen).toEqual([
        { url: 'https://api.example/x', method: 'POST', headers: [['X-A', '1']], body: '{"u":"auth0|1"}', redirect: 'follow' },
      ]);
    });

    it('rejects inside the action with the host message; uncaught, it fails the run', async () => {
      const calls = await withFetch(`exports.onExecutePostLogin = async (event, api) => {
        try { await fetch('http://127.0.0.1/'); } catch (e) { api.idToken.setCustomClaim('e', e.name + ': ' + e.message); }
      };`);
      expect(calls).toEqual([['id', 'e', 'TypeError: fetch to 127.0.0.1 refused: it resolves to 127.0.0.1, a loopback address']]);
      expect(
        await withFetch(`exports.onExecutePostLogin = async () => { await fetch('http://127.0.0.1/'); };`).catch((e: Error) => e.message),
      ).toMatch(/loopback/);
    });

    it('caps the requests per run, runs parallel ones, and refuses bad input', async () => {
      const calls = await withFetch(`exports.onExecutePostLogin = async (event, api) => {
        const all = await Promise.allSettled(Array.from({ length: 12 }, (_, i) => fetch('https://api.example/' + i)));
        api.idToken.setCustomClaim('n', all.filter((r) => r.status === 'fulfilled').length);
        api.idToken.setCustomClaim('why', all.find((r) => r.status === 'rejected').reason.message);
        try { await fetch('https://api.example/', { body: {} , method: 'POST' }); } catch (e) { api.idToken.setCustomClaim('body', e.message); }
      };`);
      expect(calls).toEqual([
        ['id', 'n', 10],
        ['id', 'why', 'An action may call fetch at most 10 times per run'],
        ['id', 'body', expect.stringMatching(/string body/)],
      ]);
    });

    it('gives concurrent runs isolates of their own', async () => {
      const code = `exports.onExecutePostLogin = async (event, api) => {
        const res = await fetch('https://api.example/', { method: 'POST', body: event.n });
        api.idToken.setCustomClaim('n', (await res.json()).echo);
      };`;
      const v = version(code);
      const runs = await Promise.all(['1', '2', '3', '4'].map((n) => sandbox.run(v, 'onExecutePostLogin', { n }, { fetch: fake })));
      expect(runs).toEqual([[['id', 'n', '1']], [['id', 'n', '2']], [['id', 'n', '3']], [['id', 'n', '4']]]);
    });

    it('ends a run whose request outlives its wall time, aborting the request', async () => {
      const err = await withFetch(`exports.onExecutePostLogin = async () => { await fetch('https://api.example/hang'); };`).catch(
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(ActionFailure);
      expect((err as Error).message).toMatch(/timed out/);
    });
  });
});
