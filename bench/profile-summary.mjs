// Summarizes a V8 `.cpuprofile` (node --cpu-prof): self time by package and the top self-time functions.
// Used by bench/run.mjs for the profile section of bench/RESULTS.md; also runnable by hand:
//
//   node bench/profile-summary.mjs <file.cpuprofile> [top] [from µs] [to µs]   (CLOCK_MONOTONIC, as process.hrtime)
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** Which package (or part of Tessera) a script URL belongs to. */
export function packageOf(url) {
  if (!url) {
    return '(native / V8)';
  }
  if (url.startsWith('node:')) {
    const parts = url.slice(5).split('/');
    // node:internal/crypto/..., node:internal/streams/...: one level more, or everything is "internal".
    return parts[0] === 'internal' && parts.length > 2 ? `node:internal/${parts[1]}` : `node:${parts[0]}`;
  }
  const nm = url.lastIndexOf('/node_modules/');
  if (nm >= 0) {
    const parts = url.slice(nm + 14).split('/');
    return parts[0].startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0];
  }
  const dist = url.indexOf('/dist/src/');
  if (dist >= 0) {
    const rest = url.slice(dist + 10).split('/');
    return `tessera ${rest.length > 1 ? rest[0] : rest[0].replace(/\.js$/, '')}`;
  }
  return url.replace(/^file:\/\//, '');
}

/** Self time per node, grouped; `(idle)`, `(program)` and `(garbage collector)` kept as V8 names them. */
export function summarize(profile, top = 25) {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map();
  const dt = profile.timeDeltas;
  for (let i = 0; i < profile.samples.length; i++) {
    const id = profile.samples[i];
    self.set(id, (self.get(id) ?? 0) + (dt[i] ?? 0));
  }
  const total = [...self.values()].reduce((a, b) => a + b, 0);
  const packages = new Map();
  const functions = new Map();
  for (const [id, us] of self) {
    const cf = byId.get(id).callFrame;
    const special = /^\((idle|program|garbage collector|root)\)$/.test(cf.functionName);
    const pkg = special ? cf.functionName : packageOf(cf.url);
    packages.set(pkg, (packages.get(pkg) ?? 0) + us);
    const where = cf.url ? `${cf.url.replace(/^.*\/(node_modules|dist)\//, '')}:${cf.lineNumber + 1}` : '';
    const key = `${cf.functionName || '(anonymous)'}\t${pkg}\t${where}`;
    functions.set(key, (functions.get(key) ?? 0) + us);
  }
  const idle = packages.get('(idle)') ?? 0;
  const busy = total - idle;
  const pct = (us) => (busy > 0 ? (100 * us) / busy : 0);
  const sorted = (m) => [...m.entries()].filter(([k]) => !k.startsWith('(idle)')).sort((a, b) => b[1] - a[1]);
  return {
    totalMs: total / 1000,
    busyMs: busy / 1000,
    packages: sorted(packages).map(([name, us]) => ({ name, ms: us / 1000, pct: pct(us) })),
    functions: sorted(functions)
      .slice(0, top)
      .map(([key, us]) => {
        const [name, pkg, where] = key.split('\t');
        return { name, pkg, where, ms: us / 1000, pct: pct(us) };
      }),
  };
}

/** All function names seen anywhere in the profile (to show what is absent: scrypt, a DB read, JSON.parse of a key). */
export function callFramesMatching(profile, re) {
  const out = new Map();
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map();
  for (let i = 0; i < profile.samples.length; i++) {
    self.set(profile.samples[i], (self.get(profile.samples[i]) ?? 0) + (profile.timeDeltas[i] ?? 0));
  }
  // Total (inclusive) time per matching frame: sum the self time of every descendant.
  const children = (n) => (n.children ?? []).map((c) => byId.get(c));
  const inclusive = (n) => (self.get(n.id) ?? 0) + children(n).reduce((a, c) => a + inclusive(c), 0);
  for (const n of profile.nodes) {
    const cf = n.callFrame;
    const label = `${cf.functionName || '(anonymous)'} ${cf.url.replace(/^.*\/(node_modules|dist)\//, '')}:${cf.lineNumber + 1}`;
    if (re.test(label)) {
      out.set(label, (out.get(label) ?? 0) + inclusive(n) / 1000);
    }
  }
  return [...out.entries()].sort((a, b) => b[1] - a[1]);
}

/** A copy of the profile holding only the samples between `from` and `to` (µs, CLOCK_MONOTONIC). */
export function windowed(profile, from, to) {
  const samples = [];
  const timeDeltas = [];
  let t = profile.startTime;
  let last = from;
  for (let i = 0; i < profile.samples.length; i++) {
    t += profile.timeDeltas[i];
    if (t >= from && t <= to) {
      samples.push(profile.samples[i]);
      timeDeltas.push(t - last);
      last = t;
    }
  }
  return { ...profile, samples, timeDeltas, startTime: from, endTime: to };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  let profile = JSON.parse(readFileSync(process.argv[2], 'utf8'));
  if (process.argv[4] && process.argv[5]) {
    profile = windowed(profile, Number(process.argv[4]), Number(process.argv[5]));
  }
  const s = summarize(profile, Number(process.argv[3] ?? 30));
  console.log(`busy ${s.busyMs.toFixed(0)} ms of ${s.totalMs.toFixed(0)} ms sampled`);
  for (const p of s.packages.slice(0, 25)) console.log(`${p.pct.toFixed(1).padStart(5)}%  ${p.name}`);
  console.log('');
  for (const f of s.functions) console.log(`${f.pct.toFixed(1).padStart(5)}%  ${f.name}  [${f.pkg}]  ${f.where}`);
}
