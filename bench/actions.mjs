// The post-login trigger's cost: password-realm logins per second with no action bound and with one
// action that sets a claim in each token, and the extra p99; the two rows alternate BENCH_ROUNDS times
// (2 by default) so a drifting machine load hits both alike. scrypt runs at BENCH_HASH_COST (log2 N, 10
// by default, the server's default is 15) so the password hash does not hide what the actions cost.
// Loopback only, bounded in time (BENCH_DURATION seconds per row, 5 by default, after a 1 s warm-up),
// asserting nothing:
//
//   npm run bench:actions
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const duration = Number(process.env.BENCH_DURATION ?? 5);
const connections = Number(process.env.BENCH_CONNECTIONS ?? 10);
const rounds = Number(process.env.BENCH_ROUNDS ?? 2);
const hashCost = process.env.BENCH_HASH_COST ?? '10';
const ADMIN = { id: 'bench-admin', secret: 'bench-admin-secret-0123456789abcdef' };
const PASSWORD = 'Correct-Horse-9';
const FORM = { 'content-type': 'application/x-www-form-urlencoded' };

const port = await new Promise((resolve) => {
  const srv = createServer().listen(0, '127.0.0.1', () => {
    const p = srv.address().port;
    srv.close(() => resolve(p));
  });
});
const base = `http://127.0.0.1:${port}`;
const dir = mkdtempSync(join(tmpdir(), 'tessera-bench-actions-'));
const child = spawn(process.execPath, ['--no-node-snapshot', 'dist/src/main.js'], {
  cwd: root,
  // Requests still in flight when the server stops log errors; they are not part of the figures.
  stdio: ['ignore', 'ignore', 'ignore'],
  env: {
    ...process.env,
    NODE_ENV: 'production',
    PORT: String(port),
    PUBLIC_URL: base,
    DATABASE_URL: `sqlite:${join(dir, 'tessera.sqlite')}`,
    ENCRYPTION_KEY_FILE: join(dir, 'tessera.key'),
    ADMIN_CLIENT_ID: ADMIN.id,
    ADMIN_CLIENT_SECRET: ADMIN.secret,
    TESSERA_QUIET: '1',
    RATE_LIMITS: 'off',
    WORKERS: '1',
    PASSWORD_HASH_COST: hashCost,
  },
});

async function call(method, path, body, token) {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: token ? { authorization: `Bearer ${token}`, 'content-type': 'application/json' } : FORM,
    body: token ? JSON.stringify(body) : new URLSearchParams(body),
  });
  const text = await res.text();
  if (!res.ok) {
    throw new Error(`${method} ${path}: ${res.status} ${text}`);
  }
  return text ? JSON.parse(text) : undefined;
}

async function row(label, form) {
  const latencies = [];
  const start = process.hrtime.bigint() + BigInt(1e9);
  const end = start + BigInt(duration * 1e9);
  let non2xx = 0;
  await new Promise((resolve, reject) => {
    const instance = autocannon(
      { url: `${base}/oauth/token`, method: 'POST', headers: FORM, body: form, connections, duration: duration + 1 },
      (err) => (err ? reject(err) : resolve()),
    );
    instance.on('response', (_c, status, _b, ms) => {
      const now = process.hrtime.bigint();
      if (status >= 300) {
        non2xx++;
      }
      if (now >= start && now < end) {
        latencies.push(ms);
      }
    });
  });
  if (non2xx > 0) {
    throw new Error(`${label}: ${non2xx} responses were not 2xx`);
  }
  latencies.sort((a, b) => a - b);
  const q = (p) => latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))];
  return { label, rate: latencies.length / duration, p50: q(0.5), p99: q(0.99) };
}

const SECTION = '## Post-login actions (bench/actions.mjs)';

/** Replaces this benchmark's section at the end of bench/RESULTS.md (bench/run.mjs keeps it when it rewrites the rest). */
function writeSection(lines) {
  const file = join(root, 'bench', 'RESULTS.md');
  const previous = existsSync(file) ? readFileSync(file, 'utf8') : '';
  const at = previous.indexOf(SECTION);
  // Only this section is replaced: other benchmarks' sections (bench/lists.mjs) may follow it.
  const next = at < 0 ? -1 : previous.indexOf('\n## ', at + 1);
  const head = (at < 0 ? previous : previous.slice(0, at)).trimEnd();
  const tail = next < 0 ? '' : `\n${previous.slice(next + 1)}`;
  const load = loadavg().map((l) => l.toFixed(2)).join('/');
  const section = [SECTION, '', `Reproduce with \`npm run bench:actions\`. ${new Date().toISOString()}, load average ${load} at the end (a shared machine: compare the rows with care).`, '', ...lines];
  writeFileSync(file, `${head ? `${head}\n\n` : ''}${section.join('\n')}\n${tail}`);
}

/**
 * The chain's own cost without HTTP, scrypt or the database: one warm action run through the sandbox with
 * an event of a login's size, in this process, measured per call.
 */
async function sandboxRoundTrip(n = 3000) {
  const { ActionSandbox } = await import(join(root, 'dist/src/actions/sandbox/action-sandbox.js'));
  const sandbox = new ActionSandbox();
  const version = {
    versionId: 'bench',
    code: "exports.onExecutePostLogin = async (event, api) => { api.idToken.setCustomClaim('https://bench/email', event.user.email); };",
  };
  const event = {
    user: { user_id: 'auth0|1', email: 'bench@example.com', email_verified: true, name: 'Bench', app_metadata: { plan: 'pro' }, user_metadata: {} },
    client: { client_id: 'x'.repeat(32), name: 'Bench web', metadata: {} },
    request: { ip: '127.0.0.1', hostname: '127.0.0.1', user_agent: 'autocannon', method: 'POST', query: {}, body: { grant_type: 'password' } },
    transaction: { protocol: 'oauth2-password', requested_scopes: ['openid', 'read:bench'] },
    tenant: { id: 'default' },
    authorization: { roles: [] },
    secrets: {},
  };
  for (let i = 0; i < 200; i++) {
    await sandbox.run(version, 'onExecutePostLogin', event);
  }
  const times = [];
  for (let i = 0; i < n; i++) {
    const t0 = process.hrtime.bigint();
    await sandbox.run(version, 'onExecutePostLogin', event);
    times.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  sandbox.onApplicationShutdown();
  times.sort((a, b) => a - b);
  const q = (p) => times[Math.floor(p * times.length)].toFixed(3);
  return [`one warm action through the sandbox, in process, ${n} calls: p50 ${q(0.5)} ms, p99 ${q(0.99)} ms`];
}

try {
  for (let i = 0; i < 300; i++) {
    if (await fetch(`${base}/.well-known/openid-configuration`).then((r) => r.ok, () => false)) {
      break;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  const { access_token: token } = await call('POST', '/oauth/token', {
    grant_type: 'client_credentials',
    client_id: ADMIN.id,
    client_secret: ADMIN.secret,
    audience: `${base}/api/v2/`,
  });
  await call('POST', '/api/v2/resource-servers', { identifier: 'https://actions.bench', name: 'Bench', scopes: [{ value: 'read:bench' }] }, token);
  const web = await call('POST', '/api/v2/clients', { name: 'Bench web', app_type: 'regular_web', grant_types: ['http://auth0.com/oauth/grant-type/password-realm'] }, token);
  await call('POST', '/api/v2/users', { connection: 'Username-Password-Authentication', email: 'bench@example.com', password: PASSWORD }, token);
  const form = new URLSearchParams({
    grant_type: 'http://auth0.com/oauth/grant-type/password-realm',
    realm: 'Username-Password-Authentication',
    client_id: web.client_id,
    client_secret: web.client_secret,
    username: 'bench@example.com',
    password: PASSWORD,
    audience: 'https://actions.bench',
    scope: 'openid read:bench',
  }).toString();

  const action = await call(
    'POST',
    '/api/v2/actions/actions',
    {
      name: 'claims',
      supported_triggers: [{ id: 'post-login', version: 'v3' }],
      code: "exports.onExecutePostLogin = async (event, api) => {\n  api.idToken.setCustomClaim('https://bench/email', event.user.email);\n  api.accessToken.setCustomClaim('https://bench/roles', event.authorization.roles);\n};",
      deploy: true,
    },
    token,
  );
  const bind = (bindings) => call('PATCH', '/api/v2/actions/triggers/post-login/bindings', { bindings }, token);
  const rows = { without: [], with: [] };
  for (let i = 0; i < rounds; i++) {
    await bind([]);
    rows.without.push(await row('no action', form));
    await bind([{ ref: { type: 'action_id', value: action.id } }]);
    rows.with.push(await row('one claim-setting action', form));
  }
  const mean = (list, label) => ({
    label,
    rate: list.reduce((a, r) => a + r.rate, 0) / list.length,
    p50: list.reduce((a, r) => a + r.p50, 0) / list.length,
    p99: list.reduce((a, r) => a + r.p99, 0) / list.length,
  });
  const without = mean(rows.without, 'no action');
  const withAction = mean(rows.with, 'one claim-setting action');
  const lines = [
    `password-realm logins, ${connections} connections, ${rounds} x ${duration} s per row, scrypt ln=${hashCost} (loopback, one worker; means of the rounds)`,
    '',
    '| post-login chain | logins/s | p50 ms | p99 ms |',
    '| --- | ---: | ---: | ---: |',
    ...[without, withAction].map((r) => `| ${r.label} | ${r.rate.toFixed(0)} | ${r.p50.toFixed(2)} | ${r.p99.toFixed(2)} |`),
    '',
    `with the action: ${((withAction.rate / without.rate) * 100).toFixed(1)}% of the login rate, p99 ${(withAction.p99 - without.p99).toFixed(2)} ms more`,
  ];
  lines.push(
    '',
    'On a busy machine the login rows move between rounds by more than an action costs; the line below is the',
    "action's own cost per login (event in, claims out, warm isolate), without HTTP, scrypt or the database.",
    '',
    ...(await sandboxRoundTrip()),
  );
  console.log(lines.join('\n'));
  writeSection(lines);
} finally {
  child.kill('SIGTERM');
  rmSync(dir, { recursive: true, force: true });
}
