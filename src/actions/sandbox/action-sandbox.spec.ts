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
});
