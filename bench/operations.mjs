// Issue 20's figures: (1) what request logging and metrics cost the token route, against the code before
// them (BENCH_BASELINE_DIST: a dist/ built from the previous commit) and with request lines off
// (LOG_LEVEL=warn); (2) the client_credentials rate while the retention sweep purges a million audit
// rows. Loopback only, bounded (BENCH_DURATION seconds per pass). Prints markdown; asserts nothing.
//
//   npm run build && BENCH_BASELINE_DIST=/tmp/base/dist node bench/operations.mjs
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import sqlite3 from 'sqlite3';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const duration = Number(process.env.BENCH_DURATION ?? 5);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const ADMIN_ID = 'bench-admin';
const ADMIN_SECRET = 'bench-admin-secret-0123456789abcdef';
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const log = (line) => process.stderr.write(`${line}\n`);

async function freePort() {
  return new Promise((resolve) => {
    const srv = createServer();
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

async function start(dist, dir, env) {
  const port = await freePort();
  const child = spawn(process.execPath, [join(dist, 'src/main.js')], {
    cwd: root,
    env: {
      ...process.env,
      NODE_ENV: 'production',
      PORT: String(port),
      PUBLIC_URL: `http://127.0.0.1:${port}`,
      DATABASE_URL: `sqlite:${join(dir, 'tessera.sqlite')}`,
      ENCRYPTION_KEY_FILE: join(dir, 'tessera.key'),
      ADMIN_CLIENT_ID: ADMIN_ID,
      ADMIN_CLIENT_SECRET: ADMIN_SECRET,
      TESSERA_QUIET: '1',
      RATE_LIMITS: 'off',
      ...env,
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const base = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 600; i++) {
    try {
      if ((await fetch(`${base}/.well-known/jwks.json`)).status === 200) {
        return { child, base, port };
      }
    } catch {}
    await sleep(100);
  }
  throw new Error('server did not start');
}

async function stop(server) {
  server.child.kill('SIGTERM');
  await new Promise((r) => server.child.once('exit', r));
}

function load(base, seconds) {
  const body = new URLSearchParams({ grant_type: 'client_credentials', client_id: ADMIN_ID, client_secret: ADMIN_SECRET, audience: `${base}/api/v2/` }).toString();
  return new Promise((resolve, reject) =>
    autocannon(
      { url: `${base}/oauth/token`, method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body, connections: 10, duration: seconds },
      (err, r) => (err ? reject(err) : resolve({ rps: r.requests.average, p99: r.latency.p99, non2xx: r.non2xx })),
    ),
  );
}

/** CPU seconds (user + system) the process has used: the cost per request survives a busy machine better than req/s. */
function cpuSeconds(pid) {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function overhead() {
  const rows = [
    ['before #20 (baseline dist)', process.env.BENCH_BASELINE_DIST, {}],
    ['#20, request lines on (LOG_LEVEL=info)', join(root, 'dist'), { LOG_LEVEL: 'info' }],
    ['#20, request lines off (LOG_LEVEL=warn)', join(root, 'dist'), { LOG_LEVEL: 'warn' }],
  ].filter(([, dist]) => dist);
  const results = new Map(rows.map(([name]) => [name, []]));
  for (let round = 0; round < ROUNDS; round++) {
    for (const [name, dist, env] of rows) {
      const dir = mkdtempSync(join(tmpdir(), 'tessera-opsbench-'));
      const server = await start(dist, dir, env);
      await load(server.base, 1);
      const cpu0 = cpuSeconds(server.child.pid);
      const r = await load(server.base, duration);
      r.cpuUs = ((cpuSeconds(server.child.pid) - cpu0) / (r.rps * duration)) * 1e6;
      results.get(name).push(r);
      log(`${name}: ${Math.round(r.rps)} req/s, p99 ${r.p99} ms, ${Math.round(r.cpuUs)} µs CPU per exchange`);
      await stop(server);
      rmSync(dir, { recursive: true, force: true });
    }
  }
  const out = ['| server | server CPU µs per exchange (median) | req/s (median) | p99 ms (median) | req/s of each pass |', '| --- | ---: | ---: | ---: | --- |'];
  for (const [name, rs] of results) {
    out.push(
      `| ${name} | ${Math.round(median(rs.map((r) => r.cpuUs)))} | ${Math.round(median(rs.map((r) => r.rps))).toLocaleString('en')} | ${median(rs.map((r) => r.p99))} | ${rs.map((r) => Math.round(r.rps)).join(', ')} |`,
    );
  }
  return out.join('\n');
}

/** A million audit rows dated 40 days ago, written straight into the database file. */
async function seed(file, n) {
  const db = new sqlite3.Database(file);
  const run = (sql) => new Promise((res, rej) => db.exec(sql, (e) => (e ? rej(e) : res())));
  const old = Date.now() - 40 * 86_400_000;
  await run(`PRAGMA busy_timeout = 15000`);
  await run(`WITH RECURSIVE c(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM c WHERE i < ${n - 1})
    INSERT INTO log_events (log_id, tenant_id, date, type, description, client_id, ip, details)
    SELECT printf('%015d%04d%016x', ${old} + i / 10, i % 10000, i), 'default', '2020-01-01T00:00:00.000Z', 'seccft',
           'Exchange client_credentials for Access Token', '${ADMIN_ID}', '127.0.0.1', '{}' FROM c`);
  await new Promise((r) => db.close(r));
}

async function metric(port, name) {
  const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith(`${name} `));
  return line ? Number(line.split(' ')[1]) : 0;
}

async function purge() {
  const N = Number(process.env.BENCH_PURGE_ROWS ?? 1_000_000);
  const dir = mkdtempSync(join(tmpdir(), 'tessera-purgebench-'));
  const file = join(dir, 'tessera.sqlite');
  // First start: migrations; then seed while it is stopped.
  await stop(await start(join(root, 'dist'), dir, { LOG_RETENTION_DAYS: '0' }));
  const t0 = Date.now();
  await seed(file, N);
  log(`seeded ${N} rows in ${((Date.now() - t0) / 1000).toFixed(1)} s; file ${(statSync(file).size / 1e6).toFixed(0)} MB`);

  const metricsPort = await freePort();
  // Without retention: the rate with a million rows in the table.
  let server = await start(join(root, 'dist'), dir, { LOG_RETENTION_DAYS: '0', LOG_LEVEL: 'warn' });
  await load(server.base, 1);
  const quiet = await load(server.base, duration);
  await stop(server);
  // With retention: the sweep starts 1 s after boot; measure while it runs.
  server = await start(join(root, 'dist'), dir, { LOG_RETENTION_DAYS: '30', LOG_RETENTION_INTERVAL_MS: '1000', METRICS_PORT: String(metricsPort), LOG_LEVEL: 'warn' });
  const windows = [];
  const began = Date.now();
  let deleted = 0;
  while (deleted < N && Date.now() - began < 600_000) {
    const before = await metric(metricsPort, 'tessera_audit_log_retention_deleted_total');
    const r = await load(server.base, duration);
    deleted = await metric(metricsPort, 'tessera_audit_log_retention_deleted_total');
    windows.push({ ...r, deletedInWindow: deleted - before });
    log(`during purge: ${Math.round(r.rps)} req/s, p99 ${r.p99} ms, ${deleted - before} rows deleted in the window (${deleted} total)`);
  }
  const purgeSeconds = (Date.now() - began) / 1000;
  await stop(server);
  const size = statSync(file).size;
  rmSync(dir, { recursive: true, force: true });
  const during = windows.filter((w) => w.deletedInWindow > 0);
  const rps = during.map((w) => w.rps);
  const lines = [
    `| condition | req/s | p99 ms |`,
    `| --- | ---: | ---: |`,
    `| ${N.toLocaleString('en')} old rows, retention off | ${Math.round(quiet.rps).toLocaleString('en')} | ${quiet.p99} |`,
    `| during the purge: median of ${during.length} windows of ${duration} s (min–max) | ${Math.round(median(rps)).toLocaleString('en')} (${Math.round(Math.min(...rps))}–${Math.round(Math.max(...rps))}) | ${median(during.map((w) => w.p99))} |`,
    '',
    `Purge of ${deleted.toLocaleString('en')} rows finished within ${purgeSeconds.toFixed(0)} s under continuous load; database file ${(size / 1e6).toFixed(0)} MB afterwards (freed pages kept for reuse).`,
  ];
  return lines.join('\n');
}

/**
 * The request hook's own work per request, without a network or a token in the way: a real http.Server's
 * request listener wrapped by instrumentRequests, fed IncomingMessage/ServerResponse pairs whose close is
 * emitted at once; CPU time per request, pino writing to a stream that drops the bytes.
 */
async function hookInIsolation() {
  const { createServer: httpServer, IncomingMessage, ServerResponse } = await import('node:http');
  const { Socket } = await import('node:net');
  const { Writable } = await import('node:stream');
  const { createLogger } = await import(join(root, 'dist/src/logging/logger.js'));
  const { instrumentRequests } = await import(join(root, 'dist/src/logging/request-hook.js'));
  const N = 200_000;
  const measure = (level) => {
    const server = httpServer(() => undefined);
    if (level) {
      const sink = new Writable({ write: (_c, _e, cb) => cb() });
      instrumentRequests(server, createLogger({ logLevel: level, logFormat: 'json' }, sink));
    }
    const socket = new Socket();
    const once = () => {
      const req = new IncomingMessage(socket);
      req.method = 'POST';
      req.url = '/oauth/token';
      const res = new ServerResponse(req);
      server.emit('request', req, res);
      res.emit('close');
    };
    for (let i = 0; i < 20_000; i++) once();
    const t = process.cpuUsage();
    for (let i = 0; i < N; i++) once();
    const d = process.cpuUsage(t);
    return (d.user + d.system) / N;
  };
  const bare = measure(undefined);
  const on = measure('info');
  const off = measure('warn');
  return [
    '| request listener | CPU µs per request | the hook adds |',
    '| --- | ---: | ---: |',
    `| bare (objects created, listener called) | ${bare.toFixed(2)} | – |`,
    `| wrapped, request lines on (LOG_LEVEL=info) | ${on.toFixed(2)} | ${(on - bare).toFixed(2)} |`,
    `| wrapped, request lines off (LOG_LEVEL=warn) | ${off.toFixed(2)} | ${(off - bare).toFixed(2)} |`,
  ].join('\n');
}

const started = new Date().toISOString();
const la = loadavg();
const parts = [`- Date: ${started}; ${cpus().length} cores, Node ${process.version}; load average at start ${la.map((x) => x.toFixed(2)).join('/')} (the machine is shared: compare rows within a table only)`];
parts.push('', '### The request hook in isolation (id, header, latency histogram, one pino line)', '', await hookInIsolation());
if (process.env.BENCH_SKIP_OVERHEAD !== '1') {
  parts.push('', '### Request logging and metrics on the token route (client_credentials RS256, 10 connections)', '', await overhead());
}
if (process.env.BENCH_SKIP_PURGE !== '1') {
  parts.push('', '### client_credentials during a retention purge (10 connections)', '', await purge());
}
process.stdout.write(`${parts.join('\n')}\n`);
