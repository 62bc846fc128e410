// Client credentials throughput: Tessera (built, from dist/) against the ceiling of a bare node:http
// server that signs the same JWT with jose per request. Loopback only, bounded in time; prints a table
// and writes it to bench/RESULTS.md. It asserts nothing.
//
//   npm run bench                      (builds first)
//   BENCH_DURATION=10 BENCH_CONNECTIONS=50 BENCH_PIN=1 node bench/client-credentials.mjs
//
// With `taskset` available (and BENCH_PIN not 0) each server runs on CPU 0 and the load generator on
// CPU 1, so the servers are measured on one core each.
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { cpus, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const duration = Number(process.env.BENCH_DURATION ?? 10);
const connections = Number(process.env.BENCH_CONNECTIONS ?? 50);
const pin = process.env.BENCH_PIN !== '0' && hasTaskset();
const ADMIN_ID = 'bench-admin';
const ADMIN_SECRET = 'bench-admin-secret-0123456789abcdef';

function hasTaskset() {
  try {
    execFileSync('taskset', ['-p', String(process.pid)], { stdio: 'ignore' });
    return cpus().length >= 2;
  } catch {
    return false;
  }
}

async function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

/** Spawns `node <args>` (on CPU 0 when pinning) and resolves once `ready()` answers true. */
async function startServer(args, env, ready) {
  const cmd = pin ? 'taskset' : process.execPath;
  const argv = pin ? ['-c', '0', process.execPath, ...args] : args;
  const child = spawn(cmd, argv, { cwd: root, env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  const until = Date.now() + 30000;
  while (Date.now() < until) {
    if (child.exitCode !== null) {
      throw new Error(`server exited (${child.exitCode}): ${stderr}`);
    }
    if (await ready().catch(() => false)) {
      return child;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  child.kill('SIGKILL');
  throw new Error(`server did not start: ${stderr}`);
}

async function stop(child) {
  if (child.exitCode !== null) {
    return;
  }
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
  await exited;
  clearTimeout(timer);
}

async function json(url, init) {
  const res = await fetch(url, init);
  const text = await res.text();
  if (!res.ok) {
    throw new Error(`${init?.method ?? 'GET'} ${url}: ${res.status} ${text}`);
  }
  return text ? JSON.parse(text) : undefined;
}

/** Seeds through the Management API: an RS256 and an HS256 API, one client, a grant on each. */
async function seed(base, issuer) {
  const form = new URLSearchParams({ grant_type: 'client_credentials', client_id: ADMIN_ID, client_secret: ADMIN_SECRET, audience: `${issuer}api/v2/` });
  const { access_token: admin } = await json(`${base}/oauth/token`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: form });
  const api = (path, body) =>
    json(`${base}/api/v2/${path}`, { method: 'POST', headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const scopes = [{ value: 'read:bench' }, { value: 'write:bench' }];
  await api('resource-servers', { identifier: 'https://rs256.bench', name: 'Bench RS256', signing_alg: 'RS256', scopes });
  const hs = await api('resource-servers', { identifier: 'https://hs256.bench', name: 'Bench HS256', signing_alg: 'HS256', scopes });
  const client = await api('clients', { name: 'Bench worker', app_type: 'non_interactive' });
  for (const audience of ['https://rs256.bench', 'https://hs256.bench']) {
    await api('client-grants', { client_id: client.client_id, audience, scope: ['read:bench', 'write:bench'] });
  }
  return { clientId: client.client_id, clientSecret: client.client_secret, hsSecret: hs.signing_secret };
}

function tokenBody(clientId, clientSecret, audience) {
  return new URLSearchParams({ grant_type: 'client_credentials', client_id: clientId, client_secret: clientSecret, audience }).toString();
}

/** One autocannon run; refuses to report a row where any response was not a 200. */
async function measure(name, url, body) {
  const opts = { url, method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body };
  await autocannon({ ...opts, connections, amount: 500 }); // warm-up
  const r = await autocannon({ ...opts, connections, duration });
  const bad = r.non2xx + r.errors + r.timeouts;
  if (bad > 0) {
    throw new Error(`${name}: ${r.non2xx} non-2xx, ${r.errors} errors, ${r.timeouts} timeouts`);
  }
  return { name, rps: r.requests.average, p50: r.latency.p50, p99: r.latency.p99, total: r.requests.total };
}

async function check(url, body) {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body });
  if (res.status !== 200) {
    throw new Error(`${url}: ${res.status} ${await res.text()}`);
  }
}

async function main() {
  if (!existsSync(join(root, 'dist/src/main.js'))) {
    throw new Error('dist/src/main.js is missing: run `npm run build` first (npm run bench does)');
  }
  if (pin) {
    execFileSync('taskset', ['-cp', '1', String(process.pid)], { stdio: 'ignore' });
  }
  const dir = mkdtempSync(join(tmpdir(), 'tessera-bench-'));
  const rows = [];
  let seeded;
  try {
    // Tessera
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    const tessera = await startServer(
      ['dist/src/main.js'],
      {
        PORT: String(port),
        PUBLIC_URL: base,
        DATABASE_URL: `sqlite:${join(dir, 'tessera.sqlite')}`,
        ENCRYPTION_KEY_FILE: join(dir, 'tessera.key'),
        ADMIN_CLIENT_ID: ADMIN_ID,
        ADMIN_CLIENT_SECRET: ADMIN_SECRET,
        TESSERA_QUIET: '1',
        RATE_LIMITS: 'off',
        WORKERS: '1',
        NODE_ENV: 'production',
      },
      async () => (await fetch(`${base}/.well-known/openid-configuration`)).ok,
    );
    try {
      seeded = await seed(base, `${base}/`);
      for (const [alg, audience] of [
        ['RS256', 'https://rs256.bench'],
        ['HS256', 'https://hs256.bench'],
      ]) {
        const body = tokenBody(seeded.clientId, seeded.clientSecret, audience);
        await check(`${base}/oauth/token`, body);
        rows.push({ ...(await measure(`Tessera ${alg}`, `${base}/oauth/token`, body)), alg, kind: 'tessera' });
      }
    } finally {
      await stop(tessera);
    }

    // Ceilings: the bare jose server, RS256 and HS256 (same secret length as the API's).
    for (const alg of ['RS256', 'HS256']) {
      const bport = await freePort();
      const bare = await startServer(
        ['bench/bare-jwt-server.mjs'],
        { BARE_ALG: alg, BARE_PORT: String(bport), BARE_SECRET: seeded.hsSecret },
        async () => {
          await check(`http://127.0.0.1:${bport}/`, 'client_id=x');
          return true;
        },
      );
      try {
        const body = tokenBody(seeded.clientId, seeded.clientSecret, `https://${alg.toLowerCase()}.bench`);
        rows.push({ ...(await measure(`bare jose ${alg}`, `http://127.0.0.1:${bport}/`, body)), alg, kind: 'bare' });
      } finally {
        await stop(bare);
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }

  const ceiling = (alg) => rows.find((r) => r.kind === 'bare' && r.alg === alg);
  const fmt = (n, d = 0) => n.toLocaleString('en-US', { minimumFractionDigits: d, maximumFractionDigits: d });
  const lines = [
    '| server | tokens/s | p50 ms | p99 ms | throughput vs ceiling | p99 vs ceiling |',
    '| --- | ---: | ---: | ---: | ---: | ---: |',
    ...rows.map((r) => {
      const c = ceiling(r.alg);
      const ratio = r.kind === 'bare' ? '1.00 (ceiling)' : `${fmt(r.rps / c.rps, 2)}`;
      const p99 = r.kind === 'bare' ? '1.00' : `${fmt(r.p99 / Math.max(c.p99, 1), 2)}`;
      return `| ${r.name} | ${fmt(r.rps)} | ${fmt(r.p50)} | ${fmt(r.p99)} | ${ratio} | ${p99} |`;
    }),
  ];
  const cpu = cpus();
  const context = [
    `Date: ${new Date().toISOString()}`,
    `Machine: ${cpu.length} × ${cpu[0]?.model ?? 'unknown CPU'}; Node ${process.version}`,
    `Load: autocannon, ${connections} connections, ${duration} s per row after a 500-request warm-up, loopback; ` +
      (pin ? 'each server pinned to CPU 0 and the load generator to CPU 1 (taskset).' : 'no CPU pinning.'),
    'Tessera: `node dist/src/main.js`, one process, SQLite, rate limits off; `POST /oauth/token` client_credentials with client_secret_post.',
    'Ceiling: `bench/bare-jwt-server.mjs`, node:http + jose signing the same claims per request, no lookups, no authentication.',
  ];
  const table = lines.join('\n');
  process.stdout.write(`\n${context.join('\n')}\n\n${table}\n`);
  writeFileSync(
    join(root, 'bench/RESULTS.md'),
    `# Client credentials benchmark\n\nReproduce with \`npm run bench\` (see bench/client-credentials.mjs).\n\n${context.map((l) => `- ${l}`).join('\n')}\n\n${table}\n`,
  );
}

main().catch((e) => {
  process.stderr.write(`${e.stack ?? e}\n`);
  process.exit(1);
});
