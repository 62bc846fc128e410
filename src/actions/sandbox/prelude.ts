/**
 * The JavaScript that runs inside each action's isolate before the tenant's code. It builds `api` and
 * `console` there, so no host object, function or reference is ever handed to tenant code: the event
 * goes in as a JSON string and the recorded `api` calls come out as one. Whatever the tenant's code does
 * to these globals only affects its own isolate.
 */
export const PRELUDE = String.raw`
(function () {
  'use strict';
  var mod = { exports: {} };
  var cache = new Map();
  var noop = function () {};
  var quietConsole = { log: noop, info: noop, warn: noop, error: noop, debug: noop, trace: noop, dir: noop };
  function requireRefused(name) {
    throw new Error("Cannot require '" + String(name) + "': Tessera Actions cannot load modules");
  }
  function unavailable(what) {
    return function () {
      throw new Error(what + ' is not available in Tessera Actions');
    };
  }
  function makeApi(out) {
    var api = {};
    function claims(kind) {
      return {
        setCustomClaim: function (name, value) {
          if (value !== undefined) out.push([kind, String(name), value]);
          return api;
        },
      };
    }
    api.idToken = claims('id');
    api.accessToken = claims('access');
    api.accessToken.addScope = function (scope) { out.push(['add', String(scope)]); return api; };
    api.accessToken.removeScope = function (scope) { out.push(['remove', String(scope)]); return api; };
    api.access = { deny: function (reason) { out.push(['deny', reason === undefined ? '' : String(reason)]); return api; } };
    api.user = {
      setAppMetadata: function (name, value) { out.push(['app', String(name), value === undefined ? null : value]); return api; },
      setUserMetadata: function (name, value) { out.push(['user', String(name), value === undefined ? null : value]); return api; },
    };
    api.cache = {
      get: function (key) { return cache.has(String(key)) ? { value: cache.get(String(key)) } : undefined; },
      set: function (key, value) { if (cache.size < 100) cache.set(String(key), String(value)); return { type: 'success' }; },
      delete: function (key) { cache.delete(String(key)); return { type: 'success' }; },
    };
    api.multifactor = {
      enable: unavailable('api.multifactor (multi-factor authentication)'),
      getEnrolledFactors: unavailable('api.multifactor (multi-factor authentication)'),
    };
    api.authentication = {
      challengeWith: unavailable('api.authentication.challengeWith'),
      challengeWithAny: unavailable('api.authentication.challengeWithAny'),
      enrollWith: unavailable('api.authentication.enrollWith'),
      enrollWithAny: unavailable('api.authentication.enrollWithAny'),
      recordMethod: unavailable('api.authentication.recordMethod'),
      setPrimaryUser: unavailable('api.authentication.setPrimaryUser'),
    };
    api.redirect = {
      sendUserTo: unavailable('api.redirect'),
      encodeToken: unavailable('api.redirect'),
      validateToken: unavailable('api.redirect'),
    };
    api.samlResponse = { setAttribute: unavailable('api.samlResponse') };
    api.session = { revoke: unavailable('api.session.revoke') };
    api.refreshToken = { revoke: unavailable('api.refreshToken.revoke') };
    api.prompt = { render: unavailable('api.prompt') };
    api.validation = { error: unavailable('api.validation') };
    return api;
  }
  globalThis.__tesseraModule = function (factory) {
    factory.call(mod.exports, mod.exports, requireRefused, mod, quietConsole);
  };
  globalThis.__tesseraRun = function (exportName, eventJson) {
    var out = [];
    var handler = mod.exports[exportName];
    if (typeof handler !== 'function') {
      return Promise.resolve('[]');
    }
    var event = JSON.parse(eventJson);
    return Promise.resolve(handler(event, makeApi(out))).then(function () {
      return JSON.stringify(out);
    });
  };
})();
`;

/** Wraps the tenant's code as a CommonJS module body; the prefix stays on line 1 so line numbers match. */
export function moduleSource(code: string): string {
  return `__tesseraModule(function (exports, require, module, console) {${code}\n});`;
}
