// GET /api/v2/logs and GET /api/v2/users at a million rows each: page latency and the server's memory.
// Seeds 1,000,000 log events and 1,000,000 users straight into a fresh SQLite database (recursive CTEs,
// after Tessera's own migrations made the schema), starts the built server on it, and times pages,
// filters, sorts, deep pages, checkpoints and totals, sequentially (one request at a time). Loopback only;
// asserts nothing. Writes its table into the "Lists" section of bench/RESULTS.md.
//
//   npm run build && node bench/lists.mjs            (BENCH_LIST_ROWS=1000000, BENCH_LIST_REPEAT=15)
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { adminToken, bench, log, memory, root, seedSqlite, start } from './common.mjs';

const ROWS = Number(process.env.BENCH_LIST_ROWS ?? 1000000);
const REPEAT = Number(process.env.BENCH_LIST_REPEAT ?? 15);

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
    await seedSqlite(join(dir, 'tessera.sqlite'), { users: ROWS, logs: ROWS });
    const server = await start(dir);
    const token = await adminToken(server.base);
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
