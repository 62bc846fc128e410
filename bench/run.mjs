// Tessera's hot paths side by side with a bare jose ceiling, the same handler in plain Express, and
// oidc-provider, at 1, 10 and 50 connections; then the same token benchmark at 10, 1,000 and 10,000
// APIs/clients/grants, one worker against two, and a CPU profile of the 50-connection RS256 run. Loopback
// only, bounded in time (BENCH_DURATION seconds per measurement, 5 by default); prints the tables and
// writes them to bench/RESULTS.md. It asserts nothing.
//
//   npm run bench                  (builds, installs the peer into bench/node_modules, runs this)
//   BENCH_DURATION=3 BENCH_SCALES=10,1000 node bench/run.mjs
//   BENCH_ROWS=userinfo,ceiling-userinfo,peer-me BENCH_DURATION=1 BENCH_ROUNDS=1 node bench/run.mjs
//     (a smoke run of the rows whose keys start so; no profile, worker or scale rows, RESULTS.md untouched)
//   BENCH_PG_URL=postgres://postgres@127.0.0.1:5432/postgres node bench/run.mjs   (adds the refresh and code rows on PostgreSQL)
//   BENCH_CPU_PROF=/tmp/prof node bench/run.mjs   (every Tessera server writes a V8 CPU profile there; read it with bench/profile-summary.mjs)
//
// With `taskset` and two or more cores, every server runs on CPU 0 and the load generator (autocannon, in
// this process) on CPU 1, except the worker rows, where both share every core.
import { execFileSync, spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import pg from 'pg';
import sqlite3 from 'sqlite3';
import { ADMIN_ID, ADMIN_SECRET, freePort, makePgDatabase, tesseraEnv } from './common.mjs';
import { callFramesMatching, summarize, windowed } from './profile-summary.mjs';

const bench = dirname(fileURLToPath(import.meta.url));
const root = join(bench, '..');
const duration = Number(process.env.BENCH_DURATION ?? 4);
/** At 50 connections, where the targets are judged, every row runs this many times, interleaved. */
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
/** Seconds of load on the same connections before the measured window. */
const WARMUP_S = 1;
const LEVELS = [1, 10, 50];
const SCALES = (process.env.BENCH_SCALES ?? '10,1000,10000').split(',').map(Number);
/** Row key prefixes to measure (a smoke run of some rows), or every row. */
const ONLY = process.env.BENCH_ROWS ? process.env.BENCH_ROWS.split(',') : undefined;
const pin = process.env.BENCH_PIN !== '0' && hasTaskset();
/** A PostgreSQL server (URL of a database to connect to first): adds the refresh and code rows on PostgreSQL, in a database made for the run and dropped after. */
const PG_URL = process.env.BENCH_PG_URL;
/** Password logins per second in the background of the `tessera-RS256-logins` row (issue 19: logins never starve tokens). */
const LOGINS_PER_S = 20;
const PASSWORD = 'Correct-Horse-9';
const SCOPES = 'read:bench write:bench';
const loadAtStart = loadavg();
const FORM = { 'content-type': 'application/x-www-form-urlencoded' };

function hasTaskset() {
  try {
    execFileSync('taskset', ['-p', String(process.pid)], { stdio: 'ignore' });
    return cpus().length >= 2;
  } catch {
    return false;
  }
}

function log(line) {
  process.stderr.write(`${line}\n`);
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** The oidc-provider peer lives in bench/node_modules, installed from bench/package-lock.json. */
function installPeer() {
  if (!existsSync(join(bench, 'node_modules/oidc-provider/package.json'))) {
    log('installing the oidc-provider peer into bench/node_modules (npm ci)');
    execFileSync('npm', ['ci', '--no-audit', '--no-fund'], { cwd: bench, stdio: ['ignore', 'ignore', 'inherit'] });
  }
}

/**
 * Spawns `node <args>` (on CPU 0 when pinning, unless `cores` says otherwise) and resolves once `ready()`
 * answers true.
 */
async function startServer(args, env, ready, { cores = '0' } = {}) {
  const cmd = pin && cores ? 'taskset' : process.execPath;
  const argv = pin && cores ? ['-c', cores, process.execPath, ...args] : args;
  const child = spawn(cmd, argv, {
    cwd: root,
    env: { ...process.env, NODE_ENV: 'production', ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  const exited = new Promise((r) => child.once('exit', r));
  const until = Date.now() + 60000;
  while (Date.now() < until) {
    if (child.exitCode !== null) {
      throw new Error(`server exited (${child.exitCode}): ${stderr}`);
    }
    if (await ready().catch(() => false)) {
      return { child, exited, stderr: () => stderr };
    }
    await sleep(100);
  }
  child.kill('SIGKILL');
  throw new Error(`server did not start: ${stderr}`);
}

async function stop(server) {
  if (server.child.exitCode === null) {
    server.child.kill('SIGTERM');
    const timer = setTimeout(() => server.child.kill('SIGKILL'), 10000);
    await server.exited;
    clearTimeout(timer);
  }
}

async function json(url, init) {
  const res = await fetch(url, init);
  const text = await res.text();
  if (!res.ok) {
    throw new Error(`${init?.method ?? 'GET'} ${url}: ${res.status} ${text}`);
  }
  return text ? JSON.parse(text) : undefined;
}

/** Resident memory (kB) of a process and its descendants (cluster workers), one entry per process. */
function rssOf(rootPid) {
  const out = [];
  const visit = (pid) => {
    try {
      const status = readFileSync(`/proc/${pid}/status`, 'utf8');
      out.push({ pid, rss: Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0), hwm: Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0) });
      for (const tid of readdirSync(`/proc/${pid}/task`)) {
        for (const c of readFileSync(`/proc/${pid}/task/${tid}/children`, 'utf8').split(/\s+/).filter(Boolean)) {
          visit(Number(c));
        }
      }
    } catch {
      // the process is gone
    }
  };
  visit(rootPid);
  return out;
}

// ---------------------------------------------------------------------------------------------------
// Tessera and its seed

async function startTessera(dir, { port, env = {}, nodeArgs = [], cores } = {}) {
  port ??= await freePort();
  const base = `http://127.0.0.1:${port}`;
  const server = await startServer(
    [
      '--no-node-snapshot',
      ...(process.env.BENCH_CPU_PROF ? ['--cpu-prof', '--cpu-prof-dir', process.env.BENCH_CPU_PROF] : []),
      ...nodeArgs,
      'dist/src/main.js',
    ],
    tesseraEnv(dir, port, env),
    async () => (await fetch(`${base}/.well-known/openid-configuration`)).ok,
    {
      cores,
    },
  );
  return { ...server, base, port, issuer: `${base}/` };
}

/** A Management API client for the bootstrap admin, through POST /oauth/token as the README documents. */
async function management(base, issuer) {
  const form = new URLSearchParams({
    grant_type: 'client_credentials',
    client_id: ADMIN_ID,
    client_secret: ADMIN_SECRET,
    audience: `${issuer}api/v2/`,
  });
  const { access_token: token } = await json(`${base}/oauth/token`, { method: 'POST', headers: FORM, body: form });
  return (path, body) =>
    json(`${base}/api/v2/${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
}

const scopes = [{ value: 'read:bench' }, { value: 'write:bench' }];

/**
 * The main seed, through the Management API: an RS256, an HS256 and a PS256 API, a machine-to-machine
 * client granted all three, and a user with two tokens for /userinfo (password grant, never measured).
 */
async function seedMain(base, issuer) {
  const api = await management(base, issuer);
  const apis = {};
  for (const alg of ['RS256', 'HS256', 'PS256']) {
    apis[alg] = await api('resource-servers', {
      identifier: `https://${alg.toLowerCase()}.bench`,
      name: `Bench ${alg}`,
      signing_alg: alg,
      scopes,
      allow_offline_access: true,
    });
  }
  const client = await api('clients', { name: 'Bench worker', app_type: 'non_interactive' });
  for (const alg of Object.keys(apis)) {
    await api('client-grants', { client_id: client.client_id, audience: apis[alg].identifier, scope: ['read:bench', 'write:bench'] });
  }
  const web = await api('clients', {
    name: 'Bench web',
    app_type: 'regular_web',
    callbacks: ['http://127.0.0.1:9/cb'],
    grant_types: ['password', 'authorization_code', 'refresh_token'],
  });
  const user = await api('users', {
    connection: 'Username-Password-Authentication',
    email: 'bench@example.com',
    password: PASSWORD,
    name: 'Bench User',
  });
  const login = (extra) =>
    json(`${base}/oauth/token`, {
      method: 'POST',
      headers: FORM,
      body: new URLSearchParams({
        grant_type: 'password',
        client_id: web.client_id,
        client_secret: web.client_secret,
        username: 'bench@example.com',
        password: PASSWORD,
        ...extra,
      }),
    });
  const opaque = (await login({ scope: 'openid profile email' })).access_token;
  const jwt = (await login({ scope: 'openid profile email read:bench', audience: apis.RS256.identifier })).access_token;
  const aud = JSON.parse(Buffer.from(jwt.split('.')[1], 'base64url').toString()).aud;
  if (opaque.split('.').length !== 5 || !Array.isArray(aud) || !aud.includes(`${issuer}userinfo`)) {
    throw new Error('the /userinfo tokens do not have the expected shapes');
  }
  const profile = await json(`${base}/userinfo`, { headers: { authorization: `Bearer ${jwt}` } });
  const loginBody = new URLSearchParams({
    grant_type: 'password',
    client_id: web.client_id,
    client_secret: web.client_secret,
    username: 'bench@example.com',
    password: PASSWORD,
    scope: 'openid',
  }).toString();
  return { client, web, user, apis, hsSecret: apis.HS256.signing_secret, opaque, jwt, profile, loginBody };
}

// ---------------------------------------------------------------------------------------------------
// Single-use credentials for the refresh and code rows, written straight into Tessera's SQLite file (the
// rows a password login or /authorize would write: a token family with its first refresh token, or an
// authorization code), so no measured second goes to minting them.

const sha256 = (v) => createHash('sha256').update(v).digest('base64url');
const randomToken = () => randomBytes(48).toString('base64url');

function openDb(file) {
  const db = new sqlite3.Database(file);
  db.configure('busyTimeout', 15000);
  const exec = (sql, params = []) => new Promise((resolve, reject) => db.run(sql, params, (e) => (e ? reject(e) : resolve())));
  const get = (sql, params = []) => new Promise((resolve, reject) => db.get(sql, params, (e, row) => (e ? reject(e) : resolve(row))));
  return { exec, get, close: () => new Promise((r) => db.close(r)) };
}

/** The same `exec`/`get` over PostgreSQL (`?` placeholders numbered, `BEGIN IMMEDIATE` as `BEGIN`). */
async function openPg(url) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const numbered = (sql) => {
    let i = 0;
    return sql.replace('BEGIN IMMEDIATE', 'BEGIN').replace(/\?/g, () => `$${++i}`);
  };
  return {
    exec: async (sql, params = []) => void (await client.query(numbered(sql), params)),
    get: async (sql, params = []) => (await client.query(numbered(sql), params)).rows[0],
    close: () => client.end(),
  };
}

/** Inserts `rows` (arrays of parameters) with one statement each, in one transaction. */
async function insertAll(db, sql, rows) {
  await db.exec('BEGIN IMMEDIATE');
  try {
    for (const r of rows) {
      await db.exec(sql, r);
    }
    await db.exec('COMMIT');
  } catch (e) {
    await db.exec('ROLLBACK').catch(() => undefined);
    throw e;
  }
}

/** What the seeded credentials grant: the RS256 API with offline_access, no `openid` (one signature per exchange, as client_credentials). */
const USER_FLOW_SCOPE = ['read:bench', 'offline_access'];

/** `n` new token families of the web client for the bench user, each with a first refresh token; resolves to the tokens. */
async function seedRefreshTokens(db, seed, n) {
  const { tenant_id: tenantId } = await db.get('SELECT tenant_id FROM users WHERE user_id = ?', [seed.user.user_id]);
  const t = Math.floor(Date.now() / 1000);
  const created = new Date(t * 1000).toISOString();
  const tokens = Array.from({ length: n }, randomToken);
  const families = tokens.map(() => randomBytes(16).toString('hex'));
  await insertAll(
    db,
    'INSERT INTO token_families (id, tenant_id, client_id, user_id, audience, scope, session_id, auth_time, expires_at, created_at, revoked_at, revoked_reason) VALUES (?, ?, ?, ?, ?, ?, NULL, ?, ?, ?, NULL, NULL)',
    families.map((id) => [
      id,
      tenantId,
      seed.web.client_id,
      seed.user.user_id,
      seed.apis.RS256.identifier,
      JSON.stringify(USER_FLOW_SCOPE),
      t,
      t + 30 * 86400,
      created,
    ]),
  );
  await insertAll(
    db,
    'INSERT INTO refresh_tokens (token_hash, family_id, tenant_id, expires_at, used_at, created_at) VALUES (?, ?, ?, ?, NULL, ?)',
    tokens.map((tok, i) => [sha256(tok), families[i], tenantId, t + 15 * 86400, created]),
  );
  return tokens;
}

/** `n` authorization codes of the web client for the bench user (no redirect_uri, no PKCE: a confidential client); resolves to the codes. */
async function seedCodes(db, seed, n) {
  const { tenant_id: tenantId } = await db.get('SELECT tenant_id FROM users WHERE user_id = ?', [seed.user.user_id]);
  const t = Math.floor(Date.now() / 1000);
  const created = new Date(t * 1000).toISOString();
  const codes = Array.from({ length: n }, randomToken);
  await insertAll(
    db,
    'INSERT INTO authorization_codes (code_hash, tenant_id, client_id, user_id, session_id, redirect_uri, scope, audience, nonce, code_challenge, code_challenge_method, auth_time, expires_at, redeemed_at, family_id, created_at, action_result) VALUES (?, ?, ?, ?, NULL, NULL, ?, ?, NULL, NULL, NULL, ?, ?, NULL, NULL, ?, NULL)',
    codes.map((c) => [
      sha256(c),
      tenantId,
      seed.web.client_id,
      seed.user.user_id,
      JSON.stringify(USER_FLOW_SCOPE),
      seed.apis.RS256.identifier,
      t,
      t + 600,
      created,
    ]),
  );
  return codes;
}

/**
 * Autocannon requests that rotate refresh tokens: each request takes a token from `pool`, and its response
 * puts the successor back (autocannon clears a connection's context after every request, so the pool is
 * shared). No token is presented twice; the pool starts with more tokens than there are connections.
 */
function refreshChain(pool, form) {
  return [
    {
      setupRequest: (req) => ({ ...req, body: new URLSearchParams({ ...form, refresh_token: pool.pop() ?? 'exhausted' }).toString() }),
      onResponse: (status, body) => {
        if (status === 200) {
          pool.push(JSON.parse(body).refresh_token);
        }
      },
    },
  ];
}

/** Refresh tokens to start a row with: more than the connections, in the warm-up and the window alike. */
const refreshPoolSize = (connections) => 2 * connections + 10;

/** The refresh-with-rotation and code-exchange rows of one Tessera server, their credentials seeded through `db` before each measure. */
function userFlowRows(server, db, seed, keyPrefix, database) {
  const web = { client_id: seed.web.client_id, client_secret: seed.web.client_secret };
  const common = { group: 'other', url: `${server.base}/oauth/token`, rssPid: server.child.pid, server };
  return [
    {
      ...common,
      key: `${keyPrefix}-refresh`,
      label: `Tessera refresh_token with rotation, RS256 API, no openid (${database})`,
      prepare: async (connections) => ({
        requests: refreshChain(await seedRefreshTokens(db, seed, refreshPoolSize(connections)), { grant_type: 'refresh_token', ...web }),
      }),
    },
    {
      ...common,
      key: `${keyPrefix}-code`,
      label: `Tessera authorization_code exchange, RS256 API + offline_access, no openid (${database})`,
      prepare: async () => {
        // More codes than one window can redeem; an exhausted list would wrap into replays and fail the row.
        const codes = await seedCodes(db, seed, 3000 * (WARMUP_S + duration));
        return { bodies: codes.map((code) => new URLSearchParams({ grant_type: 'authorization_code', code, ...web }).toString()) };
      },
    },
  ];
}

/**
 * Fires `perSecond` requests a second (not awaited one by one) until stopped; counts the answers: 200,
 * refused with 429 (password hashing at capacity), and anything else (another status or no answer).
 */
function backgroundLoad(url, body, perSecond) {
  const stats = { sent: 0, ok: 0, refused: 0, failed: 0 };
  const pending = new Set();
  const timer = setInterval(() => {
    stats.sent++;
    const p = fetch(url, { method: 'POST', headers: FORM, body })
      .then(async (res) => {
        await res.arrayBuffer();
        stats[res.status === 200 ? 'ok' : res.status === 429 ? 'refused' : 'failed']++;
      })
      .catch(() => stats.failed++)
      .finally(() => pending.delete(p));
    pending.add(p);
  }, 1000 / perSecond);
  return async () => {
    clearInterval(timer);
    await Promise.all(pending);
    return stats;
  };
}

/** Grows the scale server to `n` APIs, `n` clients and a grant for each pair (client i on API i). */
async function seedScale(api, pairs, n) {
  let next = pairs.length;
  const worker = async () => {
    while (next < n) {
      const i = next++;
      const identifier = `https://scale-${i}.bench`;
      await api('resource-servers', { identifier, name: `Scale ${i}`, signing_alg: 'RS256', scopes });
      const client = await api('clients', { name: `Scale ${i}`, app_type: 'non_interactive' });
      await api('client-grants', { client_id: client.client_id, audience: identifier, scope: ['read:bench', 'write:bench'] });
      pairs[i] = tokenBody(client.client_id, client.client_secret, identifier);
    }
  };
  await Promise.all(Array.from({ length: 8 }, worker));
}

function tokenBody(clientId, clientSecret, audience) {
  return new URLSearchParams({
    grant_type: 'client_credentials',
    client_id: clientId,
    client_secret: clientSecret,
    audience,
    scope: SCOPES,
  }).toString();
}

// ---------------------------------------------------------------------------------------------------
// Measuring

/**
 * One autocannon run of `WARMUP_S + duration` seconds on the same connections; only the responses that
 * complete after the warm-up count, so connection set-up and JIT warm-up are left out of every row alike.
 * Latencies are taken from each response (autocannon's own histogram rounds to whole milliseconds).
 * Refuses to report a row where any response was not a 2xx. `bodies` rotates the request body (the scale
 * rows walk every client/API pair); `rssPid` samples the server's resident memory during the window.
 */
async function measure({ url, method = 'POST', headers = FORM, body, bodies, requests, connections, warmup = 0, rssPid }) {
  const opts = { url, method, headers, connections, pipelining: 1 };
  if (requests) {
    opts.requests = requests;
  } else if (bodies) {
    let i = 0;
    opts.requests = [{ setupRequest: (req) => ({ ...req, body: bodies[i++ % bodies.length] }) }];
  } else if (body !== undefined) {
    opts.body = body;
  }
  if (warmup > 0) {
    // The scale rows touch every pair once before measuring, so the caches hold them all.
    await run({ ...opts, amount: Math.max(warmup, connections) });
  }
  const latencies = [];
  let peakKb = 0;
  let sampler;
  let from;
  let to;
  const r = await run({ ...opts, duration: WARMUP_S + duration }, (instance) => {
    const t0 = process.hrtime.bigint();
    const start = t0 + BigInt(WARMUP_S * 1e9);
    const end = start + BigInt(duration * 1e9);
    instance.on('response', (_client, _status, _bytes, ms) => {
      const now = process.hrtime.bigint();
      if (now >= start && now < end) {
        from ??= now;
        to = now;
        latencies.push(ms);
      }
    });
    sampler = setInterval(() => {
      if (rssPid && process.hrtime.bigint() >= start) {
        for (const p of rssOf(rssPid)) {
          peakKb = Math.max(peakKb, p.rss);
        }
      }
    }, 100);
  });
  clearInterval(sampler);
  const bad = r.non2xx + r.errors + r.timeouts;
  if (bad > 0) {
    throw new Error(`${url}: ${r.non2xx} non-2xx, ${r.errors} errors, ${r.timeouts} timeouts`);
  }
  const sorted = Float64Array.from(latencies).sort();
  const pct = (q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
  const seconds = Number(to - from) / 1e9;
  return {
    rps: (latencies.length - 1) / seconds,
    p50: pct(0.5),
    p99: pct(0.99),
    total: latencies.length,
    peakKb,
    started: from,
    ended: to,
  };
}

function run(opts, onStart) {
  return new Promise((resolve, reject) => {
    const instance = autocannon(opts, (err, result) => (err ? reject(err) : resolve(result)));
    onStart?.(instance);
  });
}

async function check(url, init) {
  const res = await fetch(url, init);
  if (res.status !== 200) {
    throw new Error(`${url}: ${res.status} ${await res.text()}`);
  }
}

// ---------------------------------------------------------------------------------------------------

/**
 * Every row at one level before the next, so rows compared with each other run close in time; at 50
 * connections ROUNDS interleaved passes, reported as medians (other work on a shared machine lands on
 * some passes, rarely on all).
 */
async function measureRows(rows, row) {
  const servers = [...new Set(rows.map((r) => r.server))];
  try {
    for (const connections of LEVELS) {
      const rounds = connections === 50 ? ROUNDS : 1;
      const runs = new Map(rows.map((r) => [r.key, []]));
      const backgrounds = new Map(rows.map((r) => [r.key, []]));
      for (let round = 1; round <= rounds; round++) {
        for (const r of rows) {
          log(`${r.label}, ${connections} connection(s)${rounds > 1 ? `, pass ${round}/${rounds}` : ''}`);
          alone(r.server, servers);
          // `prepare` mints what the row's requests use up (refresh tokens, codes); `background` runs beside the measure.
          const extra = (await r.prepare?.(connections)) ?? {};
          const stopBackground = r.background?.();
          let m;
          try {
            m = await measure({ ...r, ...extra, connections });
          } finally {
            const bg = await stopBackground?.();
            if (bg) {
              log(`  background: ${backgroundSummary(bg)}`);
              backgrounds.get(r.key).push(bg);
            }
          }
          log(`  ${fmt(m.rps)} req/s, p50 ${lat(m.p50)} ms, p99 ${lat(m.p99)} ms`);
          runs.get(r.key).push(m);
        }
      }
      for (const r of rows) {
        const result = row(r.key, r.label, r.group, r.alg, r.ceiling);
        result.byLevel[connections] = median(runs.get(r.key));
        if (backgrounds.get(r.key).length > 0) {
          // Every pass's background requests added up: what happened to them is part of the row.
          const sum = (field) => backgrounds.get(r.key).reduce((n, bg) => n + bg[field], 0);
          result.backgroundByLevel = {
            ...result.backgroundByLevel,
            [connections]: { sent: sum('sent'), ok: sum('ok'), refused: sum('refused'), failed: sum('failed') },
          };
        }
      }
    }
  } finally {
    alone(undefined, servers);
  }
}

/**
 * Only the measured server runs: the others, sharing its core, are stopped (SIGSTOP) until their turn.
 * An idle Node process is not quiet: V8 collects and shrinks its heap a few seconds after load stops,
 * and that landed in whichever row came next. `undefined` resumes them all.
 */
function alone(server, servers) {
  for (const s of servers) {
    if (s.child.exitCode === null) {
      s.child.kill(s === server || server === undefined ? 'SIGCONT' : 'SIGSTOP');
    }
  }
}

function backgroundSummary(bg) {
  return `${bg.sent} requests: ${bg.ok} 200, ${bg.refused} refused 429, ${bg.failed} failed (other status or no answer)`;
}

function median(list) {
  const mid = (field) => {
    const v = list.map((m) => m[field]).sort((a, b) => a - b);
    return v.length % 2 ? v[(v.length - 1) / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
  };
  return {
    rps: mid('rps'),
    p50: mid('p50'),
    p99: mid('p99'),
    peakKb: Math.max(...list.map((m) => m.peakKb)),
    rpsRange: [Math.min(...list.map((m) => m.rps)), Math.max(...list.map((m) => m.rps))],
    runs: list.length,
  };
}

async function main() {
  if (!existsSync(join(root, 'dist/src/main.js'))) {
    throw new Error('dist/src/main.js is missing: run `npm run build` first (npm run bench does)');
  }
  installPeer();
  const setLoadCores = (cores) => pin && execFileSync('taskset', ['-cp', cores, String(process.pid)], { stdio: 'ignore' });
  setLoadCores('1');
  const started = Date.now();
  const dir = mkdtempSync(join(tmpdir(), 'tessera-bench-'));
  const results = new Map(); // row key -> { label, group, alg, ceiling, byLevel: {1: m, 10: m, 50: m} }
  const row = (key, label, group, alg, ceiling) => {
    if (!results.has(key)) {
      results.set(key, { key, label, group, alg, ceiling, byLevel: {} });
    }
    return results.get(key);
  };
  const servers = [];
  const memory = {};
  let profile;
  try {
    // Tessera, one worker on CPU 0, seeded through its Management API.
    log('starting Tessera and seeding it');
    const tessera = await startTessera(dir);
    servers.push(tessera);
    const seed = await seedMain(tessera.base, tessera.issuer);

    log('starting the ceiling, plain Express and oidc-provider');
    const bport = await freePort();
    const bare = await startServer(['bench/bare-jwt-server.mjs'], { BARE_PORT: String(bport), BARE_SECRET: seed.hsSecret }, async () => {
      await check(`http://127.0.0.1:${bport}/RS256`, { method: 'POST', headers: FORM, body: 'client_id=x' });
      return true;
    });
    servers.push(bare);
    const eport = await freePort();
    const plain = await startServer(
      ['bench/express-jwt-server.mjs'],
      { BARE_PORT: String(eport), BARE_SECRET: seed.hsSecret },
      async () => {
        await check(`http://127.0.0.1:${eport}/RS256`, { method: 'POST', headers: FORM, body: 'client_id=x' });
        return true;
      },
    );
    servers.push(plain);
    const pport = await freePort();
    const peerBody = new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: 'bench-client',
      client_secret: 'bench-client-secret-0123456789abcdef',
      resource: 'https://rs256.bench',
      scope: SCOPES,
    }).toString();
    const peer = await startServer(['bench/oidc-provider-server.mjs'], { PEER_PORT: String(pport) }, async () => {
      await check(`http://127.0.0.1:${pport}/token`, { method: 'POST', headers: FORM, body: peerBody });
      return true;
    });
    servers.push(peer);
    const peerUserinfoToken = await (await fetch(`http://127.0.0.1:${pport}/bench-userinfo-token`)).text();

    // The /userinfo ceiling verifies Tessera's JWT with Tessera's public keys, and decrypts a token with the
    // claims Tessera's opaque token carries (same names, same sizes) under a key of its own.
    const uport = await freePort();
    const iat = Math.floor(Date.now() / 1000);
    const opaqueClaims = {
      iss: tessera.issuer,
      sub: seed.profile.sub,
      aud: `${tessera.issuer}userinfo`,
      azp: seed.web.client_id,
      scope: 'openid profile email',
      iat,
      exp: iat + 86400,
      fid: 'x'.repeat(22),
    };
    const ceiling = await startServer(
      ['bench/userinfo-ceiling-server.mjs'],
      {
        CEIL_PORT: String(uport),
        CEIL_ISSUER: tessera.issuer,
        CEIL_JWKS: JSON.stringify(await json(`${tessera.base}/.well-known/jwks.json`)),
        CEIL_USER: JSON.stringify(seed.profile),
        CEIL_OPAQUE_CLAIMS: JSON.stringify(opaqueClaims),
      },
      async () => (await fetch(`http://127.0.0.1:${uport}/opaque-token`)).ok,
    );
    servers.push(ceiling);
    const ceilingOpaque = await (await fetch(`http://127.0.0.1:${uport}/opaque-token`)).text();
    log(`opaque token lengths: Tessera ${seed.opaque.length}, ceiling ${ceilingOpaque.length}`);

    const ccBody = (alg) => tokenBody(seed.client.client_id, seed.client.client_secret, seed.apis[alg].identifier);
    const rows = [];
    for (const alg of ['RS256', 'HS256', 'PS256']) {
      rows.push({
        key: `tessera-${alg}`,
        label: `Tessera client_credentials ${alg}`,
        group: 'tessera',
        alg,
        url: `${tessera.base}/oauth/token`,
        body: ccBody(alg),
        rssPid: tessera.child.pid,
        server: tessera,
      });
    }
    rows.push({
      key: 'userinfo-opaque',
      label: 'Tessera GET /userinfo, opaque token',
      group: 'other',
      ceiling: 'ceiling-userinfo-opaque',
      url: `${tessera.base}/userinfo`,
      method: 'GET',
      headers: { authorization: `Bearer ${seed.opaque}` },
      rssPid: tessera.child.pid,
      server: tessera,
    });
    rows.push({
      key: 'userinfo-jwt',
      label: 'Tessera GET /userinfo, [api, userinfo] JWT',
      group: 'other',
      ceiling: 'ceiling-userinfo-jwt',
      url: `${tessera.base}/userinfo`,
      method: 'GET',
      headers: { authorization: `Bearer ${seed.jwt}` },
      rssPid: tessera.child.pid,
      server: tessera,
    });
    rows.push({
      key: 'jwks',
      label: 'Tessera GET /.well-known/jwks.json',
      group: 'other',
      url: `${tessera.base}/.well-known/jwks.json`,
      method: 'GET',
      headers: {},
      rssPid: tessera.child.pid,
      server: tessera,
    });
    for (const alg of ['RS256', 'HS256', 'PS256']) {
      rows.push({
        key: `bare-${alg}`,
        label: `ceiling: node:http + jose ${alg}`,
        group: 'bare',
        alg,
        url: `http://127.0.0.1:${bport}/${alg}`,
        body: ccBody(alg),
        server: bare,
      });
    }
    for (const alg of ['RS256', 'HS256', 'PS256']) {
      rows.push({
        key: `express-${alg}`,
        label: `plain Express + the same handler ${alg}`,
        group: 'express',
        alg,
        url: `http://127.0.0.1:${eport}/${alg}`,
        body: ccBody(alg),
        server: plain,
      });
    }
    rows.push({
      key: 'ceiling-userinfo-opaque',
      label: 'ceiling: node:http + jose, /userinfo decrypting a dir/A256GCM token',
      group: 'bare',
      url: `http://127.0.0.1:${uport}/opaque`,
      method: 'GET',
      headers: { authorization: `Bearer ${ceilingOpaque}` },
      server: ceiling,
    });
    rows.push({
      key: 'ceiling-userinfo-jwt',
      label: 'ceiling: node:http + jose, /userinfo verifying the RS256 JWT',
      group: 'bare',
      url: `http://127.0.0.1:${uport}/jwt`,
      method: 'GET',
      headers: { authorization: `Bearer ${seed.jwt}` },
      server: ceiling,
    });
    rows.push({
      key: 'peer-RS256',
      label: 'oidc-provider client_credentials RS256',
      group: 'peer',
      alg: 'RS256',
      url: `http://127.0.0.1:${pport}/token`,
      body: peerBody,
      server: peer,
    });

    // Issue 19: refresh with rotation and code exchange (credentials minted before each measure, straight
    // into the database), their ceiling, and client_credentials while password logins run.
    const db = openDb(join(dir, 'tessera.sqlite'));
    rows.push({
      key: 'bare-refresh',
      label: 'refresh ceiling: node:http + jose, Map lookup and replace, RS256',
      group: 'bare',
      url: `http://127.0.0.1:${bport}/refresh`,
      server: bare,
      prepare: async (connections) => {
        const pool = await json(`http://127.0.0.1:${bport}/refresh-seed?n=${refreshPoolSize(connections)}`, { method: 'POST' });
        return { requests: refreshChain(pool, { grant_type: 'refresh_token', client_id: 'bench-web' }) };
      },
    });
    rows.push(...userFlowRows(tessera, db, seed, 'tessera', 'SQLite'));
    rows.push({
      key: 'tessera-RS256-logins',
      label: `Tessera client_credentials RS256 while ${LOGINS_PER_S} password logins/s run`,
      group: 'tessera',
      alg: 'RS256',
      url: `${tessera.base}/oauth/token`,
      body: ccBody('RS256'),
      rssPid: tessera.child.pid,
      server: tessera,
      background: () => backgroundLoad(`${tessera.base}/oauth/token`, seed.loginBody, LOGINS_PER_S),
    });
    let pgDb;
    let pgDatabase;
    if (PG_URL) {
      // The refresh and code rows again with Tessera on PostgreSQL (a second server, its own seed).
      log('starting Tessera on PostgreSQL and seeding it');
      pgDatabase = await makePgDatabase(PG_URL);
      mkdirSync(join(dir, 'pg'));
      const tpg = await startTessera(join(dir, 'pg'), { env: { DATABASE_URL: pgDatabase.url } });
      servers.push(tpg);
      const pgSeed = await seedMain(tpg.base, tpg.issuer);
      pgDb = await openPg(pgDatabase.url);
      const pgCc = tokenBody(pgSeed.client.client_id, pgSeed.client.client_secret, pgSeed.apis.RS256.identifier);
      rows.push({
        key: 'tessera-pg-RS256',
        label: 'Tessera client_credentials RS256 (PostgreSQL)',
        group: 'tessera',
        alg: 'RS256',
        url: `${tpg.base}/oauth/token`,
        body: pgCc,
        rssPid: tpg.child.pid,
        server: tpg,
      });
      rows.push(...userFlowRows(tpg, pgDb, pgSeed, 'tessera-pg', 'PostgreSQL'));
    }
    rows.push({
      key: 'peer-me-opaque',
      label: 'oidc-provider GET /me, opaque token',
      group: 'peer',
      ceiling: 'ceiling-userinfo-opaque',
      url: `http://127.0.0.1:${pport}/me`,
      method: 'GET',
      headers: { authorization: `Bearer ${peerUserinfoToken}` },
      server: peer,
    });
    if (ONLY) {
      rows.splice(0, rows.length, ...rows.filter((r) => ONLY.some((prefix) => r.key.startsWith(prefix))));
    }
    for (const r of rows) {
      if (!r.prepare) {
        await check(r.url, { method: r.method ?? 'POST', headers: r.headers ?? FORM, body: r.body });
      }
    }

    await measureRows(rows, row);
    await db.close();
    if (pgDb) {
      await pgDb.close();
      for (const s of servers.filter((x) => x.base && x !== tessera)) {
        await stop(s);
      }
      await pgDatabase.drop();
    }
    memory.main = rssOf(tessera.child.pid);
    for (const s of [bare, plain, peer, ceiling]) {
      await stop(s);
    }
    await stop(tessera);
    if (ONLY) {
      process.stdout.write(`\n${render(results, memory, undefined, (Date.now() - started) / 1000)}\n`);
      return;
    }

    // The CPU profile: Tessera again on the same database, under the 50-connection RS256 run.
    log('profiling Tessera under the 50-connection RS256 run');
    const profDir = join(dir, 'profile');
    const profiled = await startTessera(dir, { nodeArgs: ['--cpu-prof', '--cpu-prof-dir', profDir] });
    const m = await measure({ url: `${profiled.base}/oauth/token`, body: ccBody('RS256'), connections: 50 });
    await sleep(200);
    await stop(profiled);
    const file = readdirSync(profDir).find((f) => f.endsWith('.cpuprofile'));
    profile = { measure: m, data: JSON.parse(readFileSync(join(profDir, file), 'utf8')) };

    // One worker against two, with the load generator sharing both cores.
    for (const workers of [1, 2]) {
      log(`Tessera with ${workers} worker(s), all cores shared with the load generator`);
      setLoadCores('0-1');
      const t = await startTessera(dir, { env: { WORKERS: String(workers) }, cores: pin ? '0-1' : undefined });
      try {
        await sleep(workers > 1 ? 1500 : 0); // the second worker starts once the first listens
        const r = row(
          `workers-${workers}`,
          `Tessera client_credentials RS256, ${workers} worker${workers > 1 ? 's' : ''} (unpinned)`,
          'workers',
          'RS256',
        );
        for (const connections of LEVELS) {
          r.byLevel[connections] = await measure({ url: `${t.base}/oauth/token`, body: ccBody('RS256'), connections, rssPid: t.child.pid });
        }
        memory[`workers-${workers}`] = rssOf(t.child.pid);
      } finally {
        await stop(t);
        setLoadCores('1');
      }
    }

    // Scale: one server per size, side by side (each on CPU 0, idle unless measured), each database grown
    // through the Management API; the token benchmark walks every client/API pair in turn.
    const scaleRows = [];
    for (const n of SCALES) {
      const t = await startTessera(join(dir, `scale-${n}`));
      servers.push(t);
      log(`seeding a server with ${n.toLocaleString('en-US')} APIs, clients and grants`);
      const t0 = Date.now();
      const pairs = [];
      await seedScale(await management(t.base, t.issuer), pairs, n);
      log(`  seeded in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
      scaleRows.push({
        key: `scale-${n}`,
        label: `Tessera client_credentials RS256, ${n.toLocaleString('en-US')} APIs/clients/grants`,
        group: 'scale',
        alg: 'RS256',
        url: `${t.base}/oauth/token`,
        bodies: pairs,
        warmup: n,
        rssPid: t.child.pid,
        server: t,
      });
    }
    await measureRows(scaleRows, row);
    for (const r of scaleRows) {
      memory[r.key] = rssOf(r.server.child.pid);
      await stop(r.server);
    }
  } finally {
    for (const s of servers) {
      await stop(s).catch(() => undefined);
    }
    rmSync(dir, { recursive: true, force: true });
  }

  const report = render(results, memory, profile, (Date.now() - started) / 1000);
  process.stdout.write(`\n${report}\n`);
  // bench/operations.mjs, bench/lists.mjs and bench/actions.mjs keep their own sections after this report; carry them over.
  const previous = existsSync(join(bench, 'RESULTS.md')) ? readFileSync(join(bench, 'RESULTS.md'), 'utf8') : '';
  const own = ['## Operations (issue 20)', '## Lists at ', ACTIONS_SECTION].map((m) => previous.indexOf(m)).filter((i) => i >= 0);
  const from = own.length > 0 ? Math.min(...own) : -1;
  writeFileSync(join(bench, 'RESULTS.md'), from < 0 ? report : `${report.trimEnd()}\n\n${previous.slice(from)}`);
}

const ACTIONS_SECTION = '## Post-login actions (bench/actions.mjs)';

/** What issue 19 changed on these paths, and why each shortcut gives the same answers as before. */
const ISSUE_19_NOTES = [
  '## Issue 19: what changed, and why it is still correct',
  '',
  '- **/userinfo reads nothing for a warm user and token family.** Users (the row without its password hash or history, with the profile /userinfo answers) and token family states are kept in `TenantCache`s. A write through this process drops the entry when it commits; every other process drops them when the table\'s counter in `cache_versions` moves, which triggers on `users` and `token_families` raise in the writing transaction itself (a login\'s counters excepted: no answer shows them), checked every `CACHE_POLL_MS`. The JSON answer is kept per (profile object, scope): a changed user is a new object, so an answer can never outlive its profile. Every token is still verified in full (signature, `alg`, `typ`, `iss`, `aud`, `exp`) by the one verifier; only the header\'s `alg`/`kid` lookups are memoised. Tested across instances in test/e2e/userinfo-cache.e2e-spec.ts (profile changed, user blocked or deleted, family revoked: seen at once by the writer, by the others at their next check).',
  '- **Refresh rotation and code exchange.** The user behind the token comes from the same kept users (`UsersService.forTokens`), so a blocked or deleted user is refused as before; a post-login action still reads the user anew, so its `stats.logins_count` is current. On SQLite, writes share transactions (group commit, `src/database/group-commit.ts`): each write in its own savepoint, each caller told "done" only after the COMMIT, so nothing is acknowledged that is not durable (`synchronous=FULL`, one fsync per group instead of per write). Single use is decided exactly as before: the conditional `UPDATE … WHERE used_at IS NULL` (`redeemed_at IS NULL` for a code) runs under the write lock, and a loser re-reads and revokes the family (test/e2e/race.e2e-spec.ts). The statements of these paths are kept prepared (`src/database/sqlite-statements.ts`) instead of prepared and finalized per query, which on SQLite\'s single connection stalled the event loop behind a COMMIT. On PostgreSQL the rotation and the redemption are one statement each.',
  '- **Logins never starve tokens.** scrypt runs on dedicated worker threads at nice 19 (`src/keys/hash-threads.ts`), so on a shared core hashing gets only the CPU token requests leave idle; admission is bounded by queue length and by expected wait (`PASSWORD_HASH_MAX_WAIT_MS`), so when the core is saturated extra logins are refused at once with 429 rather than queued for seconds. The row above shows how many of its background logins got 200 and how many 429: on one saturated core at ln=15 (about 100 ms of CPU per hash), 20 logins a second cannot all be served beside a full token load; tokens keep their rate and logins are turned away promptly.',
  '- **Peak RSS of the logins row** includes scrypt\'s working memory (128 × N × r = 32 MiB per running hash at ln=15) and its hashing thread; it is not one of the token rows the RSS targets count.',
];

// ---------------------------------------------------------------------------------------------------
// The report

const fmt = (n, d = 0) =>
  n === undefined || Number.isNaN(n) ? '–' : n.toLocaleString('en-US', { minimumFractionDigits: d, maximumFractionDigits: d });
const mb = (kb) => `${fmt(kb / 1024, 0)} MB`;
const lat = (ms) => fmt(ms, ms !== undefined && ms < 10 ? 2 : 1);

function render(results, memory, profile, seconds) {
  const get = (key, level = 50) => results.get(key)?.byLevel[level];
  const ratio = (a, b, field = 'rps') => (a && b ? a[field] / b[field] : NaN);
  const cpu = cpus();
  const lines = [];
  lines.push('# Benchmark: token issuance, /userinfo and JWKS', '');
  lines.push('Reproduce with `npm run bench` (bench/run.mjs). Figures are from one run; compare rows within it, not across runs.', '');
  lines.push(`- Date: ${new Date().toISOString()}`);
  lines.push(
    `- Machine: ${cpu.length} cores (${cpu[0]?.model ?? 'unknown CPU'}); Node ${process.version}; load average ${loadAtStart.map((l) => fmt(l, 2)).join('/')} at the start and ${loadavg()
      .map((l) => fmt(l, 2))
      .join('/')} at the end (other work on the machine shows here)`,
  );
  lines.push(
    `- Load: autocannon in the bench process, keep-alive, loopback; each figure is the ${duration} s that follow ${WARMUP_S} s of load on the same connections (connection set-up and JIT warm-up left out alike for every row), latencies per response; at 50 connections the median of ${ROUNDS} interleaved passes (the range of req/s is in the last column); ` +
      (pin
        ? 'every server pinned to CPU 0 and the load generator to CPU 1 (taskset), except the worker rows (both cores shared by the servers and the load generator)'
        : 'no CPU pinning (taskset or a second core missing)') +
      "; while a row is measured the other servers are stopped (SIGSTOP), so an idle server's own housekeeping (V8 shrinking its heap after load) does not land in another row.",
  );
  lines.push(
    '- Tessera: `node dist/src/main.js`, NODE_ENV=production, SQLite, `RATE_LIMITS=off`, `WORKERS=1`; client_credentials with client_secret_post, form body, `audience` and `scope`; every exchange logged (`seccft`) as always.',
  );
  lines.push(
    '- Ceiling: `bench/bare-jwt-server.mjs`, node:http + jose signing the same claims per request, no lookups, no authentication, no logging. Plain Express: `bench/express-jwt-server.mjs`, the same handler behind `express.urlencoded()`.',
  );
  lines.push(
    '- Peer: `oidc-provider` (bench/package.json only), client_credentials with `resource` for an RS256 resource server, JWT access tokens, client_secret_post; its `/me` with an opaque `openid profile email` access token (its own format for userinfo tokens; it refuses tokens with an audience there).',
  );
  lines.push(
    "- /userinfo ceiling: `bench/userinfo-ceiling-server.mjs`, node:http + jose verifying the same RS256 JWT with Tessera's public JWKS, or decrypting a `dir`/`A256GCM` token carrying the claims of Tessera's opaque token under its own key, then answering the scopes' claims of a user held in a Map. The Tessera /userinfo rows send the same two tokens again and again, so they measure the warm path (user and token family in memory).",
  );
  lines.push(
    `- Scale rows: one more server per size, its database grown through the Management API to N APIs, N clients and N grants; the requests walk all N client/API pairs (a warm-up touches each once). Whole run: ${fmt(seconds / 60, 1)} min.`,
  );
  lines.push('');

  const header = [
    'row',
    ...LEVELS.flatMap((l) => [`${l} conn req/s`, 'p50 ms', 'p99 ms']),
    '×ceiling @50',
    'p99 ×ceiling @50',
    '×Express @50',
    'req/s range @50',
    'peak RSS @50',
  ];
  lines.push(
    `| ${header.join(' | ')} |`,
    `| --- | ${header
      .slice(1)
      .map(() => '---:')
      .join(' | ')} |`,
  );
  const groups = ['tessera', 'other', 'bare', 'express', 'peer', 'scale', 'workers'];
  for (const g of groups) {
    for (const r of [...results.values()].filter((x) => x.group === g)) {
      const cells = LEVELS.flatMap((l) => {
        const m = r.byLevel[l];
        return [fmt(m?.rps), lat(m?.p50), lat(m?.p99)];
      });
      const at50 = r.byLevel[50];
      const ceiling = r.ceiling ? get(r.ceiling) : r.alg ? get(`bare-${r.alg}`) : undefined;
      const express = r.alg ? get(`express-${r.alg}`) : undefined;
      const showRatios = (r.alg || r.ceiling) && r.group !== 'bare' && r.group !== 'workers';
      cells.push(showRatios ? fmt(ratio(at50, ceiling), 2) : r.group === 'bare' ? '1.00' : '–');
      cells.push(showRatios ? fmt(ratio(at50, ceiling, 'p99'), 2) : r.group === 'bare' ? '1.00' : '–');
      cells.push(showRatios && r.alg && r.group !== 'express' ? fmt(ratio(at50, express), 2) : r.group === 'express' ? '1.00' : '–');
      cells.push(at50?.rpsRange && at50.runs > 1 ? `${fmt(at50.rpsRange[0])}–${fmt(at50.rpsRange[1])}` : '–');
      cells.push(at50?.peakKb ? mb(at50.peakKb) : '–');
      const bg = r.backgroundByLevel?.[50];
      const label = bg ? `${r.label} (background at 50 conns, all passes: ${backgroundSummary(bg)})` : r.label;
      lines.push(`| ${label} | ${cells.join(' | ')} |`);
    }
  }
  lines.push('');

  // Targets (issue 8), judged on this run.
  const peakTokens = Math.max(0, ...['tessera-RS256', 'tessera-HS256', 'tessera-PS256'].map((k) => get(k)?.peakKb ?? 0));
  const peakMain = Math.max(peakTokens, ...['userinfo-opaque', 'userinfo-jwt', 'jwks'].map((k) => get(k)?.peakKb ?? 0));
  const peakScale = Math.max(0, ...SCALES.map((n) => get(`scale-${n}`)?.peakKb ?? 0));
  const peakWorkers = Math.max(0, ...[1, 2].map((w) => get(`workers-${w}`)?.peakKb ?? 0));
  const small = get(`scale-${SCALES[0]}`);
  const large = get(`scale-${SCALES[SCALES.length - 1]}`);
  const targets = [
    ['client_credentials RS256 ≥ 0.70× the bare ceiling (50 conns)', ratio(get('tessera-RS256'), get('bare-RS256')), (v) => v >= 0.7, 2],
    [
      'RS256: Tessera at most ~5 % below plain Express with the same handler',
      ratio(get('tessera-RS256'), get('express-RS256')),
      (v) => v >= 0.95,
      2,
    ],
    ['HS256 ≥ 0.45× its ceiling', ratio(get('tessera-HS256'), get('bare-HS256')), (v) => v >= 0.45, 2],
    ['RS256 p99 ≤ 1.5× the ceiling p99', ratio(get('tessera-RS256'), get('bare-RS256'), 'p99'), (v) => v <= 1.5, 2],
    ['HS256 p99 ≤ 1.5× the ceiling p99 (see the note below)', ratio(get('tessera-HS256'), get('bare-HS256'), 'p99'), (v) => v <= 1.5, 2],
    ['≥ 1.2× oidc-provider (RS256, 50 conns)', ratio(get('tessera-RS256'), get('peer-RS256')), (v) => v >= 1.2, 2],
    [`${fmt(SCALES[SCALES.length - 1])} APIs/clients within 10 % of ${fmt(SCALES[0])} (50 conns)`, ratio(large, small), (v) => v >= 0.9, 2],
    [
      'peak RSS under the 50-connection token runs ≤ 200 MB per process (main, scale and worker rows)',
      Math.max(peakTokens, peakScale, peakWorkers) / 1024,
      (v) => v <= 200,
      0,
      ' MB',
    ],
    ['the same, counting the /userinfo and JWKS rows too', Math.max(peakMain, peakScale, peakWorkers) / 1024, (v) => v <= 200, 0, ' MB'],
  ];
  targets.push(
    [
      'issue 19: refresh with rotation ≥ 0.60× client_credentials RS256 (SQLite, 50 conns)',
      ratio(get('tessera-refresh'), get('tessera-RS256')),
      (v) => v >= 0.6,
      2,
    ],
    [
      'issue 19: code exchange ≥ 0.60× client_credentials RS256 (SQLite, 50 conns)',
      ratio(get('tessera-code'), get('tessera-RS256')),
      (v) => v >= 0.6,
      2,
    ],
    [
      'issue 19: refresh with rotation on PostgreSQL ≥ 0.50× client_credentials RS256 (the SQLite row, 50 conns)',
      ratio(get('tessera-pg-refresh'), get('tessera-RS256')),
      (v) => v >= 0.5,
      2,
    ],
    [
      'issue 19: code exchange on PostgreSQL ≥ 0.50× client_credentials RS256 (the SQLite row, 50 conns)',
      ratio(get('tessera-pg-code'), get('tessera-RS256')),
      (v) => v >= 0.5,
      2,
    ],
    ['issue 19: refresh with rotation against its ceiling (reported)', ratio(get('tessera-refresh'), get('bare-refresh')), () => true, 2],
    [
      `issue 19: client_credentials RS256 keeps ≥ 0.90× its rate while ${LOGINS_PER_S} password logins/s run`,
      ratio(get('tessera-RS256-logins'), get('tessera-RS256')),
      (v) => v >= 0.9,
      2,
    ],
    [
      `issue 19: and its p99 ≤ 1.3× (the same two rows)`,
      ratio(get('tessera-RS256-logins'), get('tessera-RS256'), 'p99'),
      (v) => v <= 1.3,
      2,
    ],
  );
  // Issue 19's /userinfo targets.
  for (const kind of ['opaque', 'jwt']) {
    const label = kind === 'opaque' ? 'opaque token' : '[api, userinfo] JWT';
    targets.push([
      `/userinfo, ${label}: ≥ 0.70× its ceiling (50 conns)`,
      ratio(get(`userinfo-${kind}`), get(`ceiling-userinfo-${kind}`)),
      (v) => v >= 0.7,
      2,
    ]);
    targets.push([
      `/userinfo, ${label}: p99 ≤ 1.5× its ceiling's`,
      ratio(get(`userinfo-${kind}`), get(`ceiling-userinfo-${kind}`), 'p99'),
      (v) => v <= 1.5,
      2,
    ]);
    targets.push([
      `/userinfo, ${label}: ≥ 1.5× oidc-provider's /me (opaque token)`,
      ratio(get(`userinfo-${kind}`), get('peer-me-opaque')),
      (v) => v >= 1.5,
      2,
    ]);
  }
  lines.push('## Targets (issues 8 and 19), from this run', '', '| target | measured | met |', '| --- | ---: | :---: |');
  for (const [name, value, ok, d, unit = '×'] of targets) {
    lines.push(`| ${name} | ${fmt(value, d)}${unit === '×' ? '×' : unit} | ${Number.isNaN(value) ? '–' : ok(value) ? 'yes' : '**no**'} |`);
  }
  const w1 = get('workers-1');
  const w2 = get('workers-2');
  lines.push(
    `| two workers beside one (RS256, 50 conns, both cores shared with the load generator) | ${fmt(w2?.rps)} vs ${fmt(w1?.rps)} req/s (${fmt(ratio(w2, w1), 2)}×) | reported |`,
  );
  lines.push('');
  lines.push(
    "Note on latency: with 50 connections always busy, mean latency is 50 / throughput (Little's law), so a row at 0.67× its ceiling has 1.5× its mean latency before any tail. " +
      'The p99 bound leaves RSA rows room (the signature dominates both sides) and HS256 little: its ceiling signs several times faster and does nothing else, while the exchange also authenticates the client, checks the grant and logs the event. ' +
      "What keeps that tail short: no database read for a warm client, and the audit log written in batches, one INSERT per 200 events through SQLite's jsonb_each.",
  );
  lines.push('');
  lines.push(...ISSUE_19_NOTES, '');

  lines.push('## Memory', '');
  lines.push(
    `- Peak RSS of the Tessera process sampled every 100 ms during its 50-connection runs: ${mb(peakTokens)} (client_credentials rows), ${mb(peakMain)} (with /userinfo and JWKS), ${mb(peakScale)} (scale rows, up to ${fmt(SCALES[SCALES.length - 1])} of each), ${mb(peakWorkers)} (largest process of the worker rows).`,
  );
  const hwm = (list) => (list ?? []).map((p) => mb(p.hwm)).join(' + ');
  const scaleHwm = SCALES.map((n) => `${fmt(n)}: ${hwm(memory[`scale-${n}`])}`).join(', ');
  lines.push(
    `- Lifetime high-water mark (VmHWM, includes start-up and seeding): main ${hwm(memory.main)}; scale servers ${scaleHwm}; one worker ${hwm(memory['workers-1'])}; two workers (primary + workers) ${hwm(memory['workers-2'])}.`,
  );
  lines.push('');

  if (profile) {
    lines.push(...renderProfile(profile));
  }
  return `${lines.join('\n')}\n`;
}

/** The profile, restricted to the samples taken during the measured run (V8 and hrtime share CLOCK_MONOTONIC). */
function renderProfile({ measure: m, data }) {
  const from = Number(m.started / 1000n);
  const to = Number(m.ended / 1000n);
  const window = windowed(data, from, to);
  const s = summarize(window, 25);
  const lines = ['## CPU profile: Tessera under the 50-connection RS256 run', ''];
  lines.push(
    `\`node --cpu-prof\` of the server during a ${duration} s run at 50 connections (${fmt(m.rps)} req/s under the profiler, p99 ${lat(m.p99)} ms); ` +
      `only samples taken inside the measured window count (${fmt(s.busyMs)} ms busy of ${fmt(s.totalMs)} ms sampled). Self time, as a share of busy time.`,
    '',
  );
  lines.push('| package | self % |', '| --- | ---: |');
  for (const p of s.packages.slice(0, 18)) {
    lines.push(`| ${p.name} | ${fmt(p.pct, 1)} |`);
  }
  lines.push(
    '',
    "`(anonymous)` at node:internal/crypto/util:470 is WebCrypto's job promise: the RSA signature itself (libuv runs it on a threadpool thread that shares the one core, and its time lands on this frame), as in the ceiling. " +
      "`writev` is the socket write of the response; tessera rows are this repository's code by folder.",
  );
  lines.push('', '| top self-time functions | package | self % |', '| --- | --- | ---: |');
  for (const f of s.functions.slice(0, 20)) {
    lines.push(`| \`${f.name}\` ${f.where ? `(${f.where})` : ''} | ${f.pkg} | ${fmt(f.pct, 1)} |`);
  }
  const probe = (re) => {
    const hits = callFramesMatching(window, re).filter(([, ms]) => ms >= 0.5);
    return hits.length === 0
      ? 'none sampled'
      : hits
          .slice(0, 4)
          .map(([label, ms]) => `\`${label}\` ${fmt(ms, 0)} ms`)
          .join(', ');
  };
  lines.push(
    '',
    `What the hot path does and does not do in the window (inclusive time of matching frames, of ${fmt(s.busyMs)} ms busy):`,
    '',
  );
  lines.push(
    `- slow hash (scrypt, pbkdf2, bcrypt, the password hasher): ${probe(/(^|[^a-z])(scrypt|pbkdf2|bcrypt)|PasswordHasher|password-hasher/i)}`,
  );
  lines.push(
    `- ORM reads (Repository/EntityManager find*, count, query builder getOne/getMany): ${probe(/^(find\w*|count|getOne\w*|getMany\w*|getRaw\w*|executeEntitiesAndRawResults) typeorm\//)}`,
  );
  lines.push(
    `- cache lookups that stayed in memory (clients, APIs, grants, tenants): ${probe(/^(findByIdentifier|findByClientId|grantedScopes|find|get) src\/(clients|apis|client-grants|tenants)\//)}`,
  );
  lines.push(
    `- the one periodic read, the cache-coherence fingerprint (once per CACHE_POLL_MS for all clients): ${probe(/^(check|read) src\/cache-coherence\//)}`,
  );
  lines.push(`- writes: the audit log's batched INSERT: ${probe(/^write src\/logs\/logs\.service/)}`);
  lines.push(
    `- key parsing or secret opening (createPrivateKey, importJWK/PKCS8/SPKI, SecretBox.open, loadRsa*): ${probe(/^(createPrivateKey|createPublicKey|importJWK|importPKCS8|importSPKI|loadRsaPrivateKey|loadRsaPublicKey|openSecret) |^open src\/keys\/secret-box/)}`,
  );
  lines.push('');
  return lines;
}

main().catch((e) => {
  process.stderr.write(`${e.stack ?? e}\n`);
  process.exit(1);
});
