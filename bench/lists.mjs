// GET /api/v2/logs and GET /api/v2/users at a million rows each: page latency and the server's memory.
// Seeds 1,000,000 log events and 1,000,000 users straight into a fresh SQLite database (recursive CTEs,
// after Tessera's own migrations made the schema), starts the built server on it, and times pages,
// filters, sorts, deep pages, checkpoints and totals, sequentially (one request at a time). Loopback only;
// asserts nothing. Writes its table into the "Lists" section of bench/RESULTS.md.
//
//   npm run build && node bench/lists.mjs            (BENCH_LIST_ROWS=1000000, BENCH_LIST_REPEAT=15)
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { createRequire } from 'node:module';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const bench = dirname(fileURLToPath(import.meta.url));
const root = join(bench, '..');
const ROWS = Number(process.env.BENCH_LIST_ROWS ?? 1000000);
const REPEAT = Number(process.env.BENCH_LIST_REPEAT ?? 15);
const ADMIN_ID = 'bench-admin';
const ADMIN_SECRET = 'bench-admin-secret-0123456789abcdef';
const sqlite3 = createRequire(join(root, 'package.json'))('sqlite3');

const log = (line) => process.stderr.write(`${line}\n`);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

function memory(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (name) => Number(new RegExp(`${name}:\\s+(\\d+)`).exec(status)?.[1] ?? 0);
  return { rss: kb('VmRSS') / 1024, peak: kb('VmHWM') / 1024 };
}

async function start(dir) {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const env = {
    ...process.env,
    NODE_ENV: 'production',
    PORT: String(port),
    PUBLIC_URL: base,
    DATABASE_URL: `sqlite:${join(dir, 'tessera.sqlite')}`,
    ENCRYPTION_KEY_FILE: join(dir, 'tessera.key'),
    ADMIN_CLIENT_ID: ADMIN_ID,
    ADMIN_CLIENT_SECRET: ADMIN_SECRET,
    TESSERA_QUIET: '1',
    RATE_LIMITS: 'off',
    WORKERS: '1',
  };
  const child = spawn(process.execPath, ['dist/src/main.js'], { cwd: root, env, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  const exited = new Promise((r) => child.once('exit', r));
  for (const until = Date.now() + 120000; Date.now() < until; await sleep(100)) {
    if (child.exitCode !== null) {
      throw new Error(`server exited: ${stderr}`);
    }
    if (await fetch(`${base}/.well-known/openid-configuration`).then((r) => r.ok, () => false)) {
      const stop = async () => {
        child.kill('SIGTERM');
        await exited;
      };
      return { child, base, stop };
    }
  }
  child.kill('SIGKILL');
  throw new Error(`server did not start: ${stderr}`);
}

function run(db, sql) {
  return new Promise((resolve, reject) => db.exec(sql, (e) => (e ? reject(e) : resolve())));
}

/** A million rows each, in SQL: no JavaScript object per row, so seeding takes seconds, not minutes. */
async function seed(file) {
  const db = new sqlite3.Database(file);
  const n = `WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < ${ROWS - 1})`;
  const t0 = Date.now();
  await run(db, 'PRAGMA journal_mode = WAL; PRAGMA synchronous = OFF;');
  await run(
    db,
    `${n} INSERT INTO log_events (log_id, tenant_id, date, type, description, client_id, client_name, user_id, ip, details)
     SELECT printf('%015d%04d%08x', 1700000000000 + i, i % 10000, i), 'default',
            strftime('%Y-%m-%dT%H:%M:%fZ', (1700000000000 + i) / 1000.0, 'unixepoch'),
            CASE i % 10 WHEN 0 THEN 'seccft' WHEN 1 THEN 'feccft' WHEN 2 THEN 'sapi' WHEN 3 THEN 's' ELSE 'fapi' END,
            'seeded event', 'client-' || (i % 100), 'Client ' || (i % 100), 'auth0|b' || (i % 5000), '10.0.' || (i % 250) || '.1', '{}'
     FROM n`,
  );
  log(`  ${ROWS} log events in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  const t1 = Date.now();
  await run(
    db,
    `${n} INSERT INTO users (tenant_id, user_id, connection, email, email_verified, name, nickname, picture, user_metadata,
                              app_metadata, blocked, logins_count, created_at, updated_at)
     SELECT 'default', printf('auth0|b%07d', i), 'Username-Password-Authentication', printf('user%07d@bench.example', i), i % 2,
            CASE i % 3 WHEN 0 THEN 'Bench User ' || i ELSE 'bench user ' || i END, 'nick' || (i % 1000), 'https://example.com/p.png',
            '{"team":"' || CASE i % 3 WHEN 0 THEN 'red' WHEN 1 THEN 'blue' ELSE 'green' END || '"}',
            CASE WHEN i % 10 = 0 THEN '{"plan":"pro"}' ELSE '{"plan":"free"}' END, 0, i % 7,
            strftime('%Y-%m-%dT%H:%M:%fZ', 1700000000 + i * 60, 'unixepoch'), strftime('%Y-%m-%dT%H:%M:%fZ', 1700000000 + (i % 9973) * 60, 'unixepoch')
     FROM n`,
  );
  log(`  ${ROWS} users in ${((Date.now() - t1) / 1000).toFixed(1)} s`);
  await run(db, 'ANALYZE;');
  await new Promise((r) => db.close(r));
}

async function time(base, token, path) {
  const ms = [];
  let status = 0;
  let count = 0;
  for (let i = 0; i < REPEAT; i++) {
    const t = performance.now();
    const res = await fetch(`${base}${path}`, { headers: { authorization: `Bearer ${token}` } });
    const body = await res.json();
    ms.push(performance.now() - t);
    status = res.status;
    count = Array.isArray(body) ? body.length : (body.logs ?? body.users ?? []).length;
  }
  ms.sort((a, b) => a - b);
  return { median: ms[Math.floor(ms.length / 2)], max: ms.at(-1), status, count };
}

async function main() {
  if (!existsSync(join(root, 'dist/src/main.js'))) {
    throw new Error('run `npm run build` first');
  }
  const dir = mkdtempSync(join(tmpdir(), 'tessera-lists-'));
  try {
    log('migrating an empty database');
    await (await start(dir)).stop();
    log(`seeding ${ROWS} log events and ${ROWS} users`);
    await seed(join(dir, 'tessera.sqlite'));
    const server = await start(dir);
    const form = new URLSearchParams({ grant_type: 'client_credentials', client_id: ADMIN_ID, client_secret: ADMIN_SECRET, audience: `${server.base}/api/v2/` });
    const { access_token: token } = await (await fetch(`${server.base}/oauth/token`, { method: 'POST', body: form })).json();
    const idle = memory(server.child.pid);
    const mid = String(1700000000000 + Math.floor(ROWS * 0.9)).padStart(15, '0');
    const q = (s) => encodeURIComponent(s);
    const cases = [
      ['logs', '/api/v2/logs'],
      ['logs', '/api/v2/logs?per_page=100&page=9'],
      ['logs', `/api/v2/logs?q=${q('type:"seccft"')}`],
      ['logs', `/api/v2/logs?q=${q('type:"seccft"')}&per_page=100&page=9`],
      ['logs', `/api/v2/logs?q=${q('client_id:client-44 AND type:fapi')}&per_page=50`],
      ['logs', '/api/v2/logs?sort=date:1&per_page=100'],
      ['logs', `/api/v2/logs?from=${mid}&take=100`],
      ['logs', '/api/v2/logs?include_totals=true&per_page=100'],
      ['users', '/api/v2/users'],
      ['users', '/api/v2/users?per_page=100&page=9'],
      ['users', '/api/v2/users?sort=name:-1&per_page=100&page=5'],
      ['users', '/api/v2/users?sort=last_login:1&per_page=50'],
      ['users', `/api/v2/users?q=${q('email:"user0500000@bench.example"')}&search_engine=v3`],
      ['users', `/api/v2/users?q=${q('name:"bench user 777777"')}&search_engine=v3`],
      ['users', `/api/v2/users?q=${q('nickname:nick70 AND app_metadata.plan:pro')}&search_engine=v3`],
      ['users', `/api/v2/users?q=${q('email:user09999*')}&search_engine=v3`],
      ['users', '/api/v2/users?include_totals=true&per_page=50'],
    ];
    const rows = [];
    for (const [, path] of cases) {
      const r = await time(server.base, token, path);
      rows.push({ path, ...r });
      log(`  ${path}: ${r.status}, ${r.count} items, median ${r.median.toFixed(1)} ms, max ${r.max.toFixed(1)} ms`);
    }
    const after = memory(server.child.pid);
    await server.stop();

    const load = loadavg().map((l) => l.toFixed(1)).join(', ');
    const table = [
      `## Lists at ${ROWS.toLocaleString('en-US')} log events and ${ROWS.toLocaleString('en-US')} users (issue 12)`,
      '',
      `\`node bench/lists.mjs\`, SQLite, one worker, ${REPEAT} sequential requests per row, on ${new Date().toISOString().slice(0, 10)}.`,
      `The machine was shared with other jobs (${cpus().length} cores, load average ${load} at the end), so the`,
      'figures are an upper bound; what they show is that no request reads more than a page. Before issue 12,',
      'the same first page of logs took 13–27 s and the server grew to about 10 GB.',
      '',
      '| request | status | items | median ms | max ms |',
      '| --- | --- | --- | --- | --- |',
      ...rows.map((r) => `| \`${decodeURIComponent(r.path)}\` | ${r.status} | ${r.count} | ${r.median.toFixed(1)} | ${r.max.toFixed(1)} |`),
      '',
      `Server memory: ${idle.rss.toFixed(0)} MB RSS after start, ${after.rss.toFixed(0)} MB after every request above, peak ${after.peak.toFixed(0)} MB.`,
      '`include_totals` is a COUNT over the filter: the one figure that grows with the table.',
      '',
    ].join('\n');
    process.stdout.write(`${table}\n`);
    const file = join(bench, 'RESULTS.md');
    const current = readFileSync(file, 'utf8');
    const start_ = current.indexOf('## Lists at ');
    const next = start_ < 0 ? -1 : current.indexOf('\n## ', start_ + 1);
    const updated = start_ < 0 ? `${current.trimEnd()}\n\n${table}` : `${current.slice(0, start_)}${table}${next < 0 ? '' : current.slice(next + 1)}`;
    writeFileSync(file, updated);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
