// Pieces shared by the list and scale benches (bench/lists.mjs, bench/scale.mjs): the built server on a
// database of one's choosing, its memory, and bulk seeding of users and log events in SQL (recursive CTEs
// on SQLite, generate_series on PostgreSQL) after Tessera's own migrations made the schema.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const bench = dirname(fileURLToPath(import.meta.url));
export const root = join(bench, '..');
export const ADMIN_ID = 'bench-admin';
export const ADMIN_SECRET = 'bench-admin-secret-0123456789abcdef';
const requireRoot = createRequire(join(root, 'package.json'));
const sqlite3 = requireRoot('sqlite3');
const pg = requireRoot('pg');

export const log = (line) => process.stderr.write(`${line}\n`);
export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

/** Resident and peak resident memory of a process, in MB, from /proc. */
export function memory(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (name) => Number(new RegExp(`${name}:\\s+(\\d+)`).exec(status)?.[1] ?? 0);
  return { rss: kb('VmRSS') / 1024, peak: kb('VmHWM') / 1024 };
}

/**
 * The environment of a bench server in `dir` on `port`: one worker, no rate limits, quiet, the bench admin
 * client, a SQLite file in `dir` unless `extra` names another DATABASE_URL.
 */
export function tesseraEnv(dir, port, extra = {}) {
  return {
    PORT: String(port),
    PUBLIC_URL: `http://127.0.0.1:${port}`,
    DATABASE_URL: `sqlite:${join(dir, 'tessera.sqlite')}`,
    ENCRYPTION_KEY_FILE: join(dir, 'tessera.key'),
    ADMIN_CLIENT_ID: ADMIN_ID,
    ADMIN_CLIENT_SECRET: ADMIN_SECRET,
    TESSERA_QUIET: '1',
    RATE_LIMITS: 'off',
    WORKERS: '1',
    ...extra,
  };
}

/**
 * `node dist/src/main.js` (production, one worker, no rate limits, quiet) with its key in `dir` and its
 * database at `databaseUrl` (default: a SQLite file in `dir`); resolves once discovery answers.
 */
export async function start(dir, databaseUrl = `sqlite:${join(dir, 'tessera.sqlite')}`) {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const env = { ...process.env, NODE_ENV: 'production', ...tesseraEnv(dir, port, { DATABASE_URL: databaseUrl }) };
  const child = spawn(process.execPath, ['dist/src/main.js'], { cwd: root, env, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  const exited = new Promise((r) => child.once('exit', r));
  for (const until = Date.now() + 300000; Date.now() < until; await sleep(100)) {
    if (child.exitCode !== null) {
      throw new Error(`server exited: ${stderr}`);
    }
    if (
      await fetch(`${base}/.well-known/openid-configuration`).then(
        (r) => r.ok,
        () => false,
      )
    ) {
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

/** A management API token of the bench admin client. */
export async function adminToken(base) {
  const form = new URLSearchParams({
    grant_type: 'client_credentials',
    client_id: ADMIN_ID,
    client_secret: ADMIN_SECRET,
    audience: `${base}/api/v2/`,
  });
  const res = await fetch(`${base}/oauth/token`, { method: 'POST', body: form });
  if (!res.ok) {
    throw new Error(`admin token: ${res.status} ${await res.text()}`);
  }
  return (await res.json()).access_token;
}

/** A fresh database on the server at `url` (postgres://…); resolves to its URL and a function that drops it. */
export async function makePgDatabase(url) {
  const name = `tessera_bench_${Date.now()}`;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const own = new URL(url);
  own.pathname = `/${name}`;
  return {
    url: own.toString(),
    drop: async () => {
      const c = new pg.Client({ connectionString: url });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}

// ---------------------------------------------------------------------------------------------------
// Seeding: user i is `auth0|b<i, 7 digits>`, `user<i, 7 digits>@bench.example`, named `bench user <i>`
// (`Bench User <i>` for every third); log event i is dated 1700000000000 + i ms, its type cycling through
// seccft, feccft, sapi, s and fapi×6 (one in ten is seccft). The two dialects write the same rows.

const SQL = {
  sqlite: {
    series: (n) => `WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < ${n - 1})`,
    from: 'n',
    logId: "printf('%015d%04d%08x', 1700000000000 + i, i % 10000, i)",
    logDate: "strftime('%Y-%m-%dT%H:%M:%fZ', (1700000000000 + i) / 1000.0, 'unixepoch')",
    userId: "printf('auth0|b%07d', i)",
    email: "printf('user%07d@bench.example', i)",
    bool: (expr) => `(${expr})`,
    isoSeconds: (expr) => `strftime('%Y-%m-%dT%H:%M:%fZ', ${expr}, 'unixepoch')`,
  },
  postgres: {
    series: () => '',
    from: (n) => `generate_series(0, ${n - 1}::bigint) AS n(i)`,
    logId: "lpad((1700000000000 + i)::text, 15, '0') || lpad((i % 10000)::text, 4, '0') || lpad(to_hex(i), 8, '0')",
    logDate: `to_char(to_timestamp((1700000000000 + i) / 1000.0) AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`,
    userId: "'auth0|b' || lpad(i::text, 7, '0')",
    email: "'user' || lpad(i::text, 7, '0') || '@bench.example'",
    bool: (expr) => `(${expr}) = 1`,
    isoSeconds: (expr) => `to_char(to_timestamp(${expr}) AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`,
  },
};

function seedStatements(dialect, { users, logs }) {
  const d = SQL[dialect];
  const from = (n) => (typeof d.from === 'function' ? d.from(n) : d.from);
  return {
    logs: `${d.series(logs)} INSERT INTO log_events (log_id, tenant_id, date, type, description, client_id, client_name, user_id, ip, details)
     SELECT ${d.logId}, 'default', ${d.logDate},
            CASE i % 10 WHEN 0 THEN 'seccft' WHEN 1 THEN 'feccft' WHEN 2 THEN 'sapi' WHEN 3 THEN 's' ELSE 'fapi' END,
            'seeded event', 'client-' || (i % 100), 'Client ' || (i % 100), 'auth0|b' || (i % 5000), '10.0.' || (i % 250) || '.1', '{}'
     FROM ${from(logs)}`,
    users: `${d.series(users)} INSERT INTO users (tenant_id, user_id, connection, email, email_verified, name, nickname, picture, user_metadata,
                              app_metadata, blocked, logins_count, created_at, updated_at)
     SELECT 'default', ${d.userId}, 'Username-Password-Authentication', ${d.email}, ${d.bool('i % 2')},
            CASE i % 3 WHEN 0 THEN 'Bench User ' || i ELSE 'bench user ' || i END, 'nick' || (i % 1000), 'https://example.com/p.png',
            '{"team":"' || CASE i % 3 WHEN 0 THEN 'red' WHEN 1 THEN 'blue' ELSE 'green' END || '"}',
            CASE WHEN i % 10 = 0 THEN '{"plan":"pro"}' ELSE '{"plan":"free"}' END, ${d.bool('0')}, i % 7,
            ${d.isoSeconds('1700000000 + i * 60')}, ${d.isoSeconds('1700000000 + (i % 9973) * 60')}
     FROM ${from(users)}`,
  };
}

const timed = async (what, work) => {
  const t = Date.now();
  await work();
  log(`  ${what} in ${((Date.now() - t) / 1000).toFixed(1)} s`);
};

/**
 * Bulk load, as a restore would: the secondary indexes of both tables (their own CREATE statements, as the
 * migrations wrote them) are dropped, the rows inserted in key order, and the indexes built again. The users
 * triggers stay: they keep tenant_user_counts exact during the INSERT … SELECT (PostgreSQL: one update for
 * the statement; SQLite: one per row, about a second per million).
 */
async function bulkLoad(db, dialect, counts, indexes) {
  const sql = seedStatements(dialect, counts);
  for (const ix of indexes) {
    await db.exec(`DROP INDEX ${ix.name}`);
  }
  await timed(`${counts.logs} log events`, () => db.exec(sql.logs));
  await timed(`${counts.users} users`, () => db.exec(sql.users));
  await timed(`${indexes.length} indexes rebuilt`, async () => {
    for (const ix of indexes) {
      await db.exec(ix.sql);
    }
  });
}

/** Seeds `counts.users` users and `counts.logs` log events into the migrated SQLite file `file`. */
export async function seedSqlite(file, counts) {
  const db = new sqlite3.Database(file);
  const exec = (sql) => new Promise((resolve, reject) => db.exec(sql, (e) => (e ? reject(e) : resolve())));
  const all = (sql) => new Promise((resolve, reject) => db.all(sql, (e, rows) => (e ? reject(e) : resolve(rows))));
  await exec('PRAGMA journal_mode = WAL; PRAGMA synchronous = OFF; PRAGMA cache_size = -200000;');
  const indexes = await all(
    "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name IN ('users', 'log_events') AND sql IS NOT NULL",
  );
  await bulkLoad({ exec }, 'sqlite', counts, indexes);
  await timed('ANALYZE', () => exec('ANALYZE;'));
  await new Promise((r) => db.close(r));
}

/** The same rows into the migrated PostgreSQL database at `url`. */
export async function seedPg(url, counts) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const exec = (sql) => client.query(sql);
  await exec("SET synchronous_commit = off; SET maintenance_work_mem = '256MB'");
  const { rows: indexes } = await exec(
    `SELECT indexname AS name, indexdef AS sql FROM pg_indexes i
      WHERE schemaname = current_schema() AND tablename IN ('users', 'log_events')
        AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)`,
  );
  await bulkLoad({ exec }, 'postgres', counts, indexes);
  await timed('ANALYZE', () => exec('ANALYZE users; ANALYZE log_events'));
  await client.end();
}
