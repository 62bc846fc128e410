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
  // fetch, when the tenant turned it on: a request leaves as a JSON message for the host
  // ('F<id>:<request>'), its response comes back as a JSON string; the run's end leaves as 'D<calls>'.
  // Such an isolate serves one run only, so these messages always belong to that run.
  var inbox = [];
  var hostWaiting = null;
  var fetches = new Map();
  var nextFetchId = 1;
  function toHost(item) {
    if (hostWaiting) {
      var w = hostWaiting;
      hostWaiting = null;
      if ('error' in item) w.reject(item.error); else w.resolve(item.value);
    } else {
      inbox.push(item);
    }
  }
  function headerPairs(h) {
    var pairs = [];
    if (Array.isArray(h)) {
      h.forEach(function (p) { pairs.push([String(p[0]), String(p[1])]); });
    } else if (h && typeof h.forEach === 'function' && typeof h.get === 'function') {
      h.forEach(function (v, k) { pairs.push([String(k), String(v)]); });
    } else if (h && typeof h === 'object') {
      Object.keys(h).forEach(function (k) { pairs.push([k, String(h[k])]); });
    }
    return pairs;
  }
  function makeHeaders(pairs) {
    var values = function (name) {
      var n = String(name).toLowerCase();
      return pairs.filter(function (p) { return p[0] === n; }).map(function (p) { return p[1]; });
    };
    return {
      get: function (name) { var v = values(name); return v.length ? v.join(', ') : null; },
      has: function (name) { return values(name).length > 0; },
      forEach: function (cb) { pairs.forEach(function (p) { cb(p[1], p[0]); }); },
      entries: function () { return pairs.map(function (p) { return [p[0], p[1]]; })[Symbol.iterator](); },
      keys: function () { return pairs.map(function (p) { return p[0]; })[Symbol.iterator](); },
    };
  }
  function makeResponse(r) {
    var used = false;
    var read = function () {
      if (used) return Promise.reject(new TypeError('Body has already been consumed.'));
      used = true;
      return Promise.resolve(r.body);
    };
    return {
      status: r.status,
      statusText: r.statusText,
      ok: r.status >= 200 && r.status < 300,
      url: r.url,
      redirected: r.redirected,
      headers: makeHeaders(r.headers),
      get bodyUsed() { return used; },
      text: read,
      json: function () { return read().then(JSON.parse); },
    };
  }
  function fetch(input, init) {
    var options = init || {};
    var url = typeof input === 'string' ? input : input && typeof input.url === 'string' ? input.url : String(input);
    var body = options.body;
    if (body !== undefined && body !== null && typeof body !== 'string') {
      return Promise.reject(new TypeError('fetch in Tessera Actions takes a string body (JSON.stringify objects)'));
    }
    var request = {
      url: url,
      method: options.method === undefined ? 'GET' : String(options.method),
      headers: headerPairs(options.headers),
      body: body === null ? undefined : body,
      redirect: options.redirect === undefined ? 'follow' : String(options.redirect),
    };
    return new Promise(function (resolve, reject) {
      var id = nextFetchId++;
      fetches.set(id, { resolve: resolve, reject: reject });
      toHost({ value: 'F' + id + ':' + JSON.stringify(request) });
    });
  }
  globalThis.__tesseraSetup = function (fetchOn) {
    delete globalThis.__tesseraSetup;
    if (fetchOn) globalThis.fetch = fetch;
  };
  globalThis.__tesseraNext = function () {
    if (inbox.length) {
      var item = inbox.shift();
      return 'error' in item ? Promise.reject(item.error) : Promise.resolve(item.value);
    }
    return new Promise(function (resolve, reject) { hostWaiting = { resolve: resolve, reject: reject }; });
  };
  globalThis.__tesseraResume = function (id, ok, payload) {
    var f = fetches.get(id);
    if (!f) return;
    fetches.delete(id);
    if (ok) f.resolve(makeResponse(JSON.parse(payload))); else f.reject(new TypeError(payload));
  };
  globalThis.__tesseraStart = function (exportName, eventJson) {
    run(exportName, eventJson).then(
      function (calls) { toHost({ value: 'D' + calls }); },
      function (e) { toHost({ error: e }); }
    );
  };
  globalThis.__tesseraModule = function (factory) {
    factory.call(mod.exports, mod.exports, requireRefused, mod, quietConsole);
  };
  var run = function (exportName, eventJson) {
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
  globalThis.__tesseraRun = run;
})();
`;

/** Wraps the tenant's code as a CommonJS module body; the prefix stays on line 1 so line numbers match. */
export function moduleSource(code: string): string {
  return `__tesseraModule(function (exports, require, module, console) {${code}\n});`;
}
