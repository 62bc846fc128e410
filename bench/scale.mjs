// Issue 19 at scale: a million users and ten million log events. Seeds them straight into a fresh SQLite
// database (and, with BENCH_PG_URL=postgres://…, a fresh PostgreSQL database too) after Tessera's own
// migrations made the schema, starts the built server on it, and measures sequentially (one request at a
// time, varied keys) single-user lookups, searches, list pages and a password-realm login; then the
// client_credentials rate (autocannon, 50 connections) against the same server on the empty database, and
// the server's RSS at the end. Loopback only; asserts nothing. Writes the "Scale" section of bench/RESULTS.md.
//
//   npm run build && node bench/scale.mjs   (BENCH_SCALE_USERS=1000000, BENCH_SCALE_LOGS=10000000,
//                                            BENCH_SCALE_SAMPLES=200, BENCH_SCALE_SECONDS=10, BENCH_PG_URL)
import { randomBytes, scryptSync } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import pg from 'pg';
import sqlite3 from 'sqlite3';
import { adminToken, bench, log, makePgDatabase, memory, root, seedPg, seedSqlite, start } from './common.mjs';

const USERS = Number(process.env.BENCH_SCALE_USERS ?? 1000000);
const LOGS = Number(process.env.BENCH_SCALE_LOGS ?? 10000000);
const SAMPLES = Number(process.env.BENCH_SCALE_SAMPLES ?? 200);
const LOGIN_SAMPLES = Number(process.env.BENCH_SCALE_LOGIN_SAMPLES ?? 50);
const SECONDS = Number(process.env.BENCH_SCALE_SECONDS ?? 10);
const CONNECTIONS = 50;
const PG_URL = process.env.BENCH_PG_URL;
const PASSWORD = 'Correct-Horse-9';
/** Tessera's default cost (PASSWORD_HASH_COST, src/config/app-config.ts) and its hash format (src/keys/password-hasher.ts). */
const HASH_LN = 15;
const SECTION = '## Scale: 1,000,000 users and 10,000,000 log events (issue 19)';

/** `scrypt$ln=15,r=8,p=1$<salt>$<key>`, as PasswordHasher.hash() stores it. */
function passwordHash(password) {
  const salt = randomBytes(16);
  const key = scryptSync(password.normalize('NFKC'), salt, 32, {
    N: 2 ** HASH_LN,
    r: 8,
    p: 1,
    maxmem: 128 * 2 ** HASH_LN * 8 * 2 + 1024 * 1024,
  });
  return `scrypt$ln=${HASH_LN},r=8,p=1$${salt.toString('base64url')}$${key.toString('base64url')}`;
}

/** The seeded user whose password the login rows use: an ordinary one from the middle of the table. */
const loginUser = (n) => Math.floor(n / 2) + 7;
const pad7 = (i) => String(i).padStart(7, '0');
const emailOf = (i) => `user${pad7(i)}@bench.example`;

async function setPassword(databaseUrl, hash) {
  const sql = 'UPDATE users SET password_hash = $1 WHERE tenant_id = $2 AND user_id = $3';
  const params = [hash, 'default', `auth0|b${pad7(loginUser(USERS))}`];
  if (databaseUrl.startsWith('sqlite:')) {
    const db = new sqlite3.Database(databaseUrl.slice('sqlite:'.length));
    await new Promise((resolve, reject) => db.run(sql.replace(/\$\d/g, '?'), params, (e) => (e ? reject(e) : resolve())));
    await new Promise((r) => db.close(r));
    return;
  }
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  await client.query(sql, params);
  await client.end();
}

/** Untimed requests before each row's timed ones (keys of their own), as the autocannon rows leave their first second out: the route's first calls pay for V8 compiling it. */
const WARMUP_REQUESTS = 10;

/** `SAMPLES` sequential requests, `request(i)` giving the i-th; p50 and p99 in ms, the statuses seen, the last body. */
async function timeSequential(count, request) {
  for (let i = count; i < count + WARMUP_REQUESTS; i++) {
    const { url, init } = request(i);
    await (await fetch(url, init)).arrayBuffer();
  }
  const ms = [];
  const statuses = new Set();
  let body;
  for (let i = 0; i < count; i++) {
    const { url, init } = request(i);
    const t = performance.now();
    const res = await fetch(url, init);
    body = await res.json();
    ms.push(performance.now() - t);
    statuses.add(res.status);
  }
  ms.sort((a, b) => a - b);
  const pct = (q) => ms[Math.min(ms.length - 1, Math.floor(q * ms.length))];
  return { p50: pct(0.5), p99: pct(0.99), statuses: [...statuses].join('/'), body };
}

/** client_credentials for the management API, `CONNECTIONS` connections for 1 s of warm-up then `SECONDS` s; responses/s of the window. */
function tokenRate(base) {
  const body = new URLSearchParams({
    grant_type: 'client_credentials',
    client_id: 'bench-admin',
    client_secret: 'bench-admin-secret-0123456789abcdef',
    audience: `${base}/api/v2/`,
  }).toString();
  const opts = {
    url: `${base}/oauth/token`,
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body,
    connections: CONNECTIONS,
    pipelining: 1,
  };
  return new Promise((resolve, reject) => {
    let counted = 0;
    let from;
    let to;
    const t0 = process.hrtime.bigint();
    const begin = t0 + 1_000_000_000n;
    const instance = autocannon({ ...opts, duration: SECONDS + 1 }, (err, r) => {
      if (err) {
        return reject(err);
      }
      if (r.non2xx + r.errors + r.timeouts > 0) {
        return reject(new Error(`client_credentials: ${r.non2xx} non-2xx, ${r.errors} errors, ${r.timeouts} timeouts`));
      }
      resolve((counted - 1) / (Number(to - from) / 1e9));
    });
    instance.on('response', () => {
      const now = process.hrtime.bigint();
      if (now >= begin) {
        from ??= now;
        to = now;
        counted++;
      }
    });
  });
}

/** One database: the empty rate, the seed, then every measure on the seeded database. */
async function measureDatabase(name, dir, databaseUrl, seed) {
  log(`${name}: migrating an empty database and measuring client_credentials on it`);
  const empty = await start(dir, databaseUrl);
  await adminToken(empty.base);
  const emptyRate = await tokenRate(empty.base);
  log(`  empty: ${emptyRate.toFixed(0)} tokens/s`);
  await empty.stop();

  log(`${name}: seeding ${USERS} users and ${LOGS} log events`);
  const t = Date.now();
  await seed();
  const seedSeconds = (Date.now() - t) / 1000;
  await setPassword(databaseUrl, passwordHash(PASSWORD));

  const server = await start(dir, databaseUrl);
  const base = server.base;
  const token = await adminToken(base);
  const headers = { authorization: `Bearer ${token}` };
  const api = (path, body) => ({
    url: `${base}${path}`,
    init: body ? { method: 'POST', headers: { ...headers, 'content-type': 'application/json' }, body: JSON.stringify(body) } : { headers },
  });
  const created = api('/api/v2/clients', {
    name: 'Scale login',
    app_type: 'regular_web',
    callbacks: ['http://127.0.0.1:9/cb'],
    grant_types: ['password', 'http://auth0.com/oauth/grant-type/password-realm'],
  });
  const client = await (await fetch(created.url, created.init)).json();
  // Varied keys: a spread of users over the whole table, the same sequence on every database.
  const user = (i) => (i * 7919 + 12345) % USERS;
  const q = (s) => encodeURIComponent(s);
  const escape = (s) => s.replace(/ /g, '\\ ');
  const cases = [
    ['single', 'GET /api/v2/users-by-email', (i) => api(`/api/v2/users-by-email?email=${q(emailOf(user(i)))}`)],
    ['single', 'GET /api/v2/users?q=email:"…" (exact)', (i) => api(`/api/v2/users?q=${q(`email:"${emailOf(user(i))}"`)}&search_engine=v3`)],
    [
      'list',
      'GET /api/v2/users?q=name:… (prefix)',
      (i) => api(`/api/v2/users?q=${q(`name:${escape(`bench user ${Math.floor(user(i) / 10)}`)}*`)}&search_engine=v3`),
    ],
    ['list', 'GET /api/v2/users?include_totals=true (first page)', () => api('/api/v2/users?include_totals=true')],
    [
      'list',
      'GET /api/v2/users?include_totals=true&per_page=50&page=19 (deepest page Auth0 allows)',
      () => api('/api/v2/users?include_totals=true&per_page=50&page=19'),
    ],
    ['list', 'GET /api/v2/logs (first page)', () => api('/api/v2/logs')],
    ['list', 'GET /api/v2/logs?q=type:"seccft"', () => api(`/api/v2/logs?q=${q('type:"seccft"')}`)],
  ];
  const rows = [];
  for (const [kind, label, request] of cases) {
    const r = await timeSequential(SAMPLES, request);
    const items = Array.isArray(r.body) ? r.body.length : (r.body.users ?? r.body.logs ?? [r.body]).length;
    rows.push({ kind, label, ...r, items, total: r.body.total });
    log(`  ${label}: ${r.statuses}, ${items} items, p50 ${r.p50.toFixed(1)} ms, p99 ${r.p99.toFixed(1)} ms`);
  }
  const page500 = await fetch(api('/api/v2/users?include_totals=true&page=500').url, api('').init);
  const login = await timeSequential(LOGIN_SAMPLES, () => ({
    url: `${base}/oauth/token`,
    init: {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'http://auth0.com/oauth/grant-type/password-realm',
        realm: 'Username-Password-Authentication',
        client_id: client.client_id,
        client_secret: client.client_secret,
        username: emailOf(loginUser(USERS)),
        password: PASSWORD,
        scope: 'openid',
      }),
    },
  }));
  rows.push({ kind: 'login', label: 'POST /oauth/token password-realm (scrypt ln=15)', ...login, items: login.body.access_token ? 1 : 0 });
  log(`  login: ${login.statuses}, p50 ${login.p50.toFixed(1)} ms, p99 ${login.p99.toFixed(1)} ms`);
  const rate = await tokenRate(base);
  log(`  seeded: ${rate.toFixed(0)} tokens/s`);
  const mem = memory(server.child.pid);
  await server.stop();
  return { name, rows, emptyRate, rate, mem, seedSeconds, page500: page500.status };
}

const fmt = (n, d = 1) => n.toLocaleString('en-US', { minimumFractionDigits: d, maximumFractionDigits: d });
const met = (ok) => (ok ? 'met' : '**not met**');

/** Which index (by its migration's name) serves each measured query, on each database. */
const INDEXES = [
  [
    'users-by-email, q=email:"…" (exact)',
    'users_tenant_sort_email (tenant_id, email, user_id), 1732401200000',
    'users_tenant_email (tenant_id, email text_pattern_ops), 1732401200000, rebuilt by 1732402700000',
  ],
  [
    'q=name:… (prefix)',
    'users_tenant_lower_name (tenant_id, lower(name)), 1732401200000: the prefix is written as a range on it',
    'users_tenant_lower_name (tenant_id, lower(name) text_pattern_ops), rebuilt by 1732402700000 (before it, a scan of every user: LIKE cannot use a b-tree under a non-"C" collation)',
  ],
  [
    'GET /api/v2/users pages (default order)',
    'users_tenant_sort_created_at (tenant_id, created_at, user_id), 1732401200000',
    'users_tenant_sort_created_at (tenant_id, created_at COLLATE "C", user_id COLLATE "C"), 1732401200000',
  ],
  [
    'include_totals (users)',
    'tenant_user_counts primary key, 1732402800000: one row kept by per-row triggers (a COUNT when q or connection narrows the list)',
    'tenant_user_counts primary key, 1732402800000: one row kept by per-statement triggers (a COUNT when q or connection narrows the list)',
  ],
  [
    'GET /api/v2/logs',
    'log_events_tenant_log (tenant_id, log_id), 1732400005000',
    'primary key (log_id), read backwards, 1732400005000 (one tenant; log_events_tenant_log otherwise)',
  ],
  [
    'logs q=type:"…"',
    'log_events_tenant_type (tenant_id, type, log_id), 1732401200000',
    'log_events_tenant_type (tenant_id, type, log_id), 1732401200000',
  ],
  [
    'password-realm login',
    'users_tenant_connection_email (tenant_id, connection, email), unique, 1732400002000',
    'users_tenant_email or users_tenant_connection_email (the planner picks)',
  ],
];

function render(results, load) {
  const lines = [
    SECTION,
    '',
    `\`node bench/scale.mjs\` (\`npm run bench:scale\`), ${USERS.toLocaleString('en-US')} users and ${LOGS.toLocaleString('en-US')} log events, on ${new Date().toISOString().slice(0, 10)}; ` +
      `one worker, ${SAMPLES} sequential requests per row with varied keys (${LOGIN_SAMPLES} logins), timed after ${WARMUP_REQUESTS} untimed ones with other keys, client_credentials with autocannon for ${SECONDS} s at ${CONNECTIONS} connections after 1 s of warm-up.`,
    `The machine was shared with other jobs (${cpus().length} cores, load average ${load.start} at the start and ${load.end} at the end), so the figures are an upper bound.`,
    'Seeding: SQL series (recursive CTE on SQLite, generate_series on PostgreSQL) after the migrations, the secondary indexes of both tables dropped and rebuilt from their own definitions around the insert.',
  ];
  if (USERS !== 1000000 || LOGS !== 10000000) {
    lines.push(
      '',
      `**Smaller than the issue's sizes**: ${USERS.toLocaleString('en-US')} users and ${LOGS.toLocaleString('en-US')} log events (BENCH_SCALE_USERS, BENCH_SCALE_LOGS).`,
    );
  }
  for (const r of results) {
    lines.push(
      '',
      `### ${r.name} (seeded in ${fmt(r.seedSeconds, 0)} s)`,
      '',
      '| request | status | items | p50 ms | p99 ms |',
      '| --- | --- | --- | --- | --- |',
    );
    for (const row of r.rows) {
      lines.push(
        `| ${row.label} | ${row.statuses} | ${row.items}${row.total === undefined ? '' : ` of ${row.total.toLocaleString('en-US')}`} | ${fmt(row.p50)} | ${fmt(row.p99)} |`,
      );
    }
    lines.push(
      '',
      `Page 500 of GET /api/v2/users answers ${r.page500}: as Auth0, Tessera pages through the first 1,000 users of a list only, so the deepest page measured is page 19 of 50.`,
    );
    lines.push(
      `client_credentials: ${fmt(r.emptyRate, 0)} tokens/s on the empty database, ${fmt(r.rate, 0)} tokens/s with the data (${fmt((r.rate / r.emptyRate - 1) * 100)} %). Server RSS at the end: ${fmt(r.mem.rss, 0)} MB (peak ${fmt(r.mem.peak, 0)} MB).`,
    );
  }
  lines.push('', '| target | ' + results.map((r) => r.name).join(' | ') + ' |', '| --- |' + results.map(() => ' --- |').join(''));
  const worst = (r, kind) => Math.max(...r.rows.filter((x) => x.kind === kind).map((x) => x.p99));
  const targets = [
    ['single-user lookup p99 ≤ 10 ms', (r) => `${fmt(worst(r, 'single'))} ms, ${met(worst(r, 'single') <= 10)}`],
    ['list page p99 ≤ 50 ms', (r) => `${fmt(worst(r, 'list'))} ms, ${met(worst(r, 'list') <= 50)}`],
    ['token rate within 5 % of empty', (r) => `${fmt((r.rate / r.emptyRate - 1) * 100)} %, ${met(r.rate >= 0.95 * r.emptyRate)}`],
    ['RSS ≤ 200 MB', (r) => `${fmt(r.mem.rss, 0)} MB, ${met(r.mem.rss <= 200)}`],
  ];
  for (const [label, cell] of targets) {
    lines.push(`| ${label} | ${results.map(cell).join(' | ')} |`);
  }
  lines.push('', 'Indexes serving each query (migration timestamps):', '', '| query | SQLite | PostgreSQL |', '| --- | --- | --- |');
  for (const [query, sqlite, postgres] of INDEXES) {
    lines.push(`| ${query} | ${sqlite} | ${postgres} |`);
  }
  return `${lines.join('\n')}\n`;
}

async function main() {
  if (!existsSync(join(root, 'dist/src/main.js'))) {
    throw new Error('run `npm run build` first');
  }
  const load = {
    start: loadavg()
      .map((l) => l.toFixed(1))
      .join(', '),
  };
  const dir = mkdtempSync(join(tmpdir(), 'tessera-scale-'));
  const results = [];
  try {
    const file = join(dir, 'tessera.sqlite');
    results.push(await measureDatabase('SQLite', dir, `sqlite:${file}`, () => seedSqlite(file, { users: USERS, logs: LOGS })));
    rmSync(file, { force: true });
    if (PG_URL) {
      const db = await makePgDatabase(PG_URL);
      try {
        mkdirSync(join(dir, 'pg'));
        results.push(await measureDatabase('PostgreSQL', join(dir, 'pg'), db.url, () => seedPg(db.url, { users: USERS, logs: LOGS })));
      } finally {
        await db.drop();
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  load.end = loadavg()
    .map((l) => l.toFixed(1))
    .join(', ');
  const section = render(results, load);
  process.stdout.write(section);
  const path = join(bench, 'RESULTS.md');
  const current = readFileSync(path, 'utf8');
  const at = current.indexOf(SECTION);
  const next = at < 0 ? -1 : current.indexOf('\n## ', at + 1);
  writeFileSync(
    path,
    at < 0 ? `${current.trimEnd()}\n\n${section}` : `${current.slice(0, at)}${section}${next < 0 ? '' : current.slice(next)}`,
  );
}

await main();
