// RBAC's cost on user tokens: the password grant for an API with `enforce_policies` (the issuer takes the
// user's effective permissions from memory, read by one query after each RBAC change) against the same
// grant for an API without it, first
// on a database with no roles, then with 10,000 roles and 100,000 user-role assignments. Loopback only,
// bounded in time; prints a table and writes bench/RBAC-RESULTS.md. It asserts nothing.
//
//   npm run build && node bench/rbac.mjs        (BENCH_DURATION=4 BENCH_ROUNDS=3 by default)
//
// The password hash cost is lowered (PASSWORD_HASH_COST=4) so that scrypt does not hide the rest of the
// grant: what is compared is the grant's own work (credentials read, login count, token family, signing).
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { ADMIN_ID, ADMIN_SECRET, freePort, tesseraEnv } from './common.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const duration = Number(process.env.BENCH_DURATION ?? 4);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 20);
const ROLES = 10000;
const ASSIGNMENTS = 100000;
const USERS = 10000;
const ADMIN = { id: ADMIN_ID, secret: ADMIN_SECRET };
const PASSWORD = 'Correct-Horse-9';
const SCOPES = Array.from({ length: 20 }, (_, i) => `scope:${i}`);
const ASKED = SCOPES.slice(0, 5).join(' ');
const FORM = { 'content-type': 'application/x-www-form-urlencoded' };

const log = (line) => process.stderr.write(`${line}\n`);

async function startTessera(dir, port) {
  const base = `http://127.0.0.1:${port}`;
  const env = {
    ...process.env,
    NODE_ENV: 'production',
    ...tesseraEnv(dir, port, { LOGIN_LOCKOUT_ATTEMPTS: '0', PASSWORD_HASH_COST: '4' }),
  };
  const child = spawn(process.execPath, ['dist/src/main.js'], { cwd: root, env, stdio: ['ignore', 'ignore', 'inherit'] });
  for (let i = 0; i < 300; i++) {
    try {
      if ((await fetch(`${base}/.well-known/openid-configuration`)).ok) {
        return { child, base };
      }
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  child.kill();
  throw new Error('Tessera did not start');
}

async function stop(server) {
  // Let the load generator's last requests finish first.
  await new Promise((r) => setTimeout(r, 500));
  server.child.kill('SIGTERM');
  await new Promise((r) => server.child.once('exit', r));
}

async function call(url, init) {
  const res = await fetch(url, init);
  const text = await res.text();
  if (!res.ok) {
    throw new Error(`${init?.method ?? 'GET'} ${url}: ${res.status} ${text}`);
  }
  return text ? JSON.parse(text) : undefined;
}

/** Through the Management API: two APIs alike but for enforce_policies, a client, the bench user and its roles. */
async function seed(base) {
  const form = new URLSearchParams({ grant_type: 'client_credentials', client_id: ADMIN.id, client_secret: ADMIN.secret, audience: `${base}/api/v2/` });
  const { access_token: token } = await call(`${base}/oauth/token`, { method: 'POST', headers: FORM, body: form });
  const api = (method, path, body) =>
    call(`${base}/api/v2/${path}`, { method, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const scopes = SCOPES.map((value) => ({ value }));
  for (const [identifier, enforce] of [['https://plain.bench', false], ['https://rbac.bench', true]]) {
    await api('POST', 'resource-servers', { identifier, name: identifier, scopes, token_dialect: 'access_token_authz', enforce_policies: enforce });
  }
  const web = await api('POST', 'clients', { name: 'Bench web', app_type: 'regular_web', grant_types: ['password'] });
  const user = await api('POST', 'users', { connection: 'Username-Password-Authentication', email: 'bench@example.com', password: PASSWORD });
  // The bench user holds 10 roles with 2 permissions each, plus 2 direct ones.
  const roles = [];
  for (let i = 0; i < 10; i++) {
    const role = await api('POST', 'roles', { name: `Bench role ${i}` });
    const permissions = [SCOPES[i % 5], SCOPES[10 + i]].map((p) => ({ resource_server_identifier: 'https://rbac.bench', permission_name: p }));
    await api('POST', `roles/${role.id}/permissions`, { permissions });
    roles.push(role.id);
  }
  await api('POST', `users/${encodeURIComponent(user.user_id)}/roles`, { roles });
  await api('POST', `users/${encodeURIComponent(user.user_id)}/permissions`, {
    permissions: [SCOPES[18], SCOPES[19]].map((p) => ({ resource_server_identifier: 'https://rbac.bench', permission_name: p })),
  });
  const body = (audience) =>
    new URLSearchParams({ grant_type: 'password', client_id: web.client_id, client_secret: web.client_secret, username: 'bench@example.com', password: PASSWORD, audience, scope: ASKED }).toString();
  return { userId: user.user_id, bodies: { plain: body('https://plain.bench'), rbac: body('https://rbac.bench') } };
}

/** 10,000 roles (3 permissions each) and 100,000 assignments over 10,000 other users, written straight into the SQLite file. */
async function bulkSeed(dir) {
  const sqlite3 = createRequire(import.meta.url)('sqlite3');
  const db = new sqlite3.Database(join(dir, 'tessera.sqlite'));
  const run = (sql, params = []) => new Promise((resolve, reject) => db.run(sql, params, (err) => (err ? reject(err) : resolve())));
  const now = new Date().toISOString();
  await run('BEGIN');
  for (let i = 0; i < USERS; i++) {
    await run(
      `INSERT INTO users (tenant_id, user_id, connection, email, email_verified, name, nickname, picture, user_metadata, app_metadata, blocked, logins_count, created_at, updated_at)
       VALUES ('default', ?, 'Username-Password-Authentication', ?, 0, ?, ?, '', '{}', '{}', 0, 0, ?, ?)`,
      [`auth0|bulk${i}`, `bulk${i}@example.com`, `Bulk ${i}`, `bulk${i}`, now, now],
    );
  }
  for (let i = 0; i < ROLES; i++) {
    const id = `rol_bulk${String(i).padStart(12, '0')}`;
    await run('INSERT INTO roles (tenant_id, id, name, description, created_at, updated_at) VALUES (?, ?, ?, NULL, ?, ?)', ['default', id, `Bulk role ${i}`, now, now]);
    for (let k = 0; k < 3; k++) {
      const api = k === 0 ? 'https://plain.bench' : 'https://rbac.bench';
      await run('INSERT INTO role_permissions (tenant_id, role_id, resource_server_identifier, permission_name) VALUES (?, ?, ?, ?)', ['default', id, api, SCOPES[(i + k) % 20]]);
    }
  }
  for (let a = 0; a < ASSIGNMENTS; a++) {
    const user = `auth0|bulk${a % USERS}`;
    const role = `rol_bulk${String((a * 7919) % ROLES).padStart(12, '0')}`;
    await run('INSERT OR IGNORE INTO user_roles (tenant_id, user_id, role_id, created_at) VALUES (?, ?, ?, ?)', ['default', user, role, now]);
  }
  await run('COMMIT');
  await new Promise((r) => db.close(r));
}

/**
 * The issuer's one query (RolesService.effectivePermissions, same SQL) timed on its own against the seeded
 * file, with its plan: what RBAC adds to each token, apart from the noise of a shared machine.
 */
async function queryCost(dir, userId) {
  const sqlite3 = createRequire(import.meta.url)('sqlite3');
  const db = new sqlite3.Database(join(dir, 'tessera.sqlite'));
  const all = (sql, params = []) => new Promise((resolve, reject) => db.all(sql, params, (err, rows) => (err ? reject(err) : resolve(rows))));
  const sql = `SELECT permission_name FROM user_permissions
     WHERE tenant_id = ? AND user_id = ? AND resource_server_identifier = ?
     UNION
     SELECT permission_name FROM role_permissions
     WHERE tenant_id = ? AND resource_server_identifier = ?
       AND role_id IN (SELECT role_id FROM user_roles WHERE tenant_id = ? AND user_id = ?)`;
  const params = ['default', userId, 'https://rbac.bench', 'default', 'https://rbac.bench', 'default', userId];
  const plan = (await all(`EXPLAIN QUERY PLAN ${sql}`, params)).map((r) => r.detail);
  const n = 5000;
  for (let i = 0; i < 500; i++) {
    await all(sql, params);
  }
  const t0 = process.hrtime.bigint();
  let rows = 0;
  for (let i = 0; i < n; i++) {
    rows = (await all(sql, params)).length;
  }
  const us = Number(process.hrtime.bigint() - t0) / 1e3 / n;
  await new Promise((r) => db.close(r));
  return { us, rows, plan };
}

/** CPU seconds (user + system, every thread) the process has used: /proc/<pid>/stat fields 14 and 15, in ticks of 1/100 s. */
function cpuSeconds(pid) {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

async function measure(url, body, pid) {
  const cpu0 = cpuSeconds(pid);
  const result = await new Promise((resolve, reject) => {
    autocannon({ url, method: 'POST', headers: FORM, body, connections: CONNECTIONS, duration: 1 + duration }, (err, r) => (err ? reject(err) : resolve(r)));
  });
  if (result.non2xx + result.errors + result.timeouts > 0) {
    throw new Error(`${result.non2xx} non-2xx, ${result.errors} errors, ${result.timeouts} timeouts`);
  }
  // autocannon's per-second samples, the first (warm-up) second left out.
  const perSecond = result.requests.total / (1 + duration);
  // Server CPU per token: unlike req/s, barely moved by other work on a shared machine.
  const cpuMs = ((cpuSeconds(pid) - cpu0) * 1000) / result.requests.total;
  return { rps: perSecond, p99: result.latency.p99, cpuMs };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function phase(label, server, bodies) {
  const url = `${server.base}/oauth/token`;
  // Check both shapes once: the RBAC token carries the user's permissions, the plain one mirrors its scopes.
  for (const [key, body] of Object.entries(bodies)) {
    const { access_token: at, scope } = await call(url, { method: 'POST', headers: FORM, body });
    const claims = JSON.parse(Buffer.from(at.split('.')[1], 'base64url').toString());
    log(`${label} ${key}: scope "${scope}", ${claims.permissions.length} permissions`);
  }
  const runs = { plain: [], rbac: [] };
  for (let round = 0; round < ROUNDS; round++) {
    for (const key of round % 2 === 0 ? ['plain', 'rbac'] : ['rbac', 'plain']) {
      runs[key].push(await measure(url, bodies[key], server.child.pid));
    }
  }
  const row = (key) => ({
    rps: median(runs[key].map((r) => r.rps)),
    p99: median(runs[key].map((r) => r.p99)),
    cpuMs: median(runs[key].map((r) => r.cpuMs)),
    all: runs[key].map((r) => Math.round(r.rps)),
  });
  return { label, plain: row('plain'), rbac: row('rbac') };
}

async function main() {
  const dir = mkdtempSync(join(tmpdir(), 'tessera-bench-rbac-'));
  const port = await freePort();
  const load = loadavg().map((l) => l.toFixed(2)).join(' ');
  try {
    let server = await startTessera(dir, port);
    const { userId, bodies } = await seed(server.base);
    const results = [await phase('no other roles', server, bodies)];
    await stop(server);
    log(`seeding ${ROLES} roles and ${ASSIGNMENTS} assignments ...`);
    await bulkSeed(dir);
    server = await startTessera(dir, port);
    results.push(await phase(`${ROLES.toLocaleString('en')} roles, ${ASSIGNMENTS.toLocaleString('en')} assignments`, server, bodies));
    await stop(server);
    const q = await queryCost(dir, userId);
    const grantMs = results[1].plain.cpuMs;

    const lines = [
      '# Benchmark: RBAC in user tokens',
      '',
      `- \`node bench/rbac.mjs\`: password grant, ${CONNECTIONS} connections, loopback, ${duration} s after 1 s of warm-up, median of ${ROUNDS} interleaved passes; one Tessera process on SQLite; PASSWORD_HASH_COST=4.`,
      `- Machine: ${cpus().length} cores (${cpus()[0]?.model ?? 'unknown'}), **shared with other work during the run** (load average at start: ${load}); figures are indicative, the ratio between the two rows of a phase is what to read.`,
      `- Both APIs use \`access_token_authz\` and define ${SCOPES.length} scopes; the request asks for 5. The bench user holds 10 roles (2 permissions each) and 2 direct permissions on the RBAC API.`,
      '',
      '| database | server CPU per token, no RBAC (ms) | server CPU per token, RBAC (ms) | RBAC / no RBAC (CPU) | req/s no RBAC / RBAC | p99 no RBAC / RBAC (ms) | passes (req/s) no RBAC; RBAC |',
      '| --- | ---: | ---: | ---: | ---: | ---: | --- |',
      ...results.map(
        (r) =>
          `| ${r.label} | ${r.plain.cpuMs.toFixed(3)} | ${r.rbac.cpuMs.toFixed(3)} | ${(r.rbac.cpuMs / r.plain.cpuMs).toFixed(3)} | ${Math.round(r.plain.rps)} / ${Math.round(r.rbac.rps)} | ${r.plain.p99} / ${r.rbac.p99} | ${r.plain.all.join(', ')}; ${r.rbac.all.join(', ')} |`,
      ),
      '',
      'Server CPU per token (user + system time of the Tessera process, every thread, over the pass, divided by the tokens issued) is the figure to judge the overhead by here: req/s on this shared machine swings by several times between passes.',
      '',
      `Warm tokens take the user's permissions from memory; after an RBAC change the first token per user and API runs one query. That query alone, on the seeded file (${ROLES.toLocaleString('en')} roles, ${ASSIGNMENTS.toLocaleString('en')} assignments; the bench user's ${q.rows} permissions through 10 roles and 2 direct ones): **${q.us.toFixed(1)} µs**, by index:`,
      '',
      ...q.plan.map((d) => `- \`${d}\``),
      '',
      `Against the grant's server CPU per token without RBAC in the same run (${grantMs.toFixed(3)} ms), that cold read costs ${((q.us / 1000 / grantMs) * 100).toFixed(1)} % of one token. APIs without \`enforce_policies\` never run it.`,
      '',
    ];
    writeFileSync(join(root, 'bench', 'RBAC-RESULTS.md'), lines.join('\n'));
    process.stdout.write(lines.join('\n'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
