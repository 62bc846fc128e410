import { scryptSync } from 'node:crypto';
import { once } from 'node:events';
import { Worker } from 'node:worker_threads';
import { HashThreads, spawnHashWorker, type ScryptRequest } from './hash-threads.js';

const request = (password: string, salt = Buffer.from('0123456789abcdef')): ScryptRequest => ({
  password,
  salt,
  keylen: 32,
  N: 2 ** 4,
  r: 8,
  p: 1,
  maxmem: 32 * 1024 * 1024,
});
const expected = (r: ScryptRequest) => scryptSync(r.password, r.salt, r.keylen, { N: r.N, r: r.r, p: r.p, maxmem: r.maxmem });

/** A thread that takes jobs and never answers: whatever it holds is mid-request when it is stopped. */
const SILENT = "require('node:worker_threads').parentPort.on('message', () => {});";

describe('HashThreads', () => {
  it('derives the same key as scrypt in this thread, for several jobs at once on a pool of two', async () => {
    const pool = new HashThreads(2);
    try {
      const requests = ['pw-1', 'pw-2', 'pw-3', 'pässwörd'].map((p) => request(p));
      const keys = await Promise.all(requests.map((r) => pool.scrypt(r)));
      keys.forEach((key, i) => expect(key.equals(expected(requests[i]))).toBe(true));
      expect(keys[0].equals(keys[1])).toBe(false);
    } finally {
      await pool.close();
    }
  });

  it('passes on what scrypt refuses, and the thread keeps serving', async () => {
    const pool = new HashThreads(1);
    try {
      await expect(pool.scrypt({ ...request('pw'), N: 3 })).rejects.toThrow(/N|parameter|invalid/i);
      const ok = request('pw');
      expect((await pool.scrypt(ok)).equals(expected(ok))).toBe(true);
    } finally {
      await pool.close();
    }
  });

  it('fails the job of a thread that dies mid-request, and the next job runs on a new thread', async () => {
    const spawned: Worker[] = [];
    const pool = new HashThreads(1, () => {
      const w = spawned.length === 0 ? new Worker(SILENT, { eval: true }) : spawnHashWorker();
      spawned.push(w);
      return w;
    });
    try {
      const held = pool.scrypt(request('pw-1'));
      const queued = pool.scrypt(request('pw-2'));
      await once(spawned[0], 'online');
      await spawned[0].terminate();
      await expect(held).rejects.toThrow('exited');
      // The job waiting behind it goes to the replacement.
      expect((await queued).equals(expected(request('pw-2')))).toBe(true);
      const next = request('pw-3');
      expect((await pool.scrypt(next)).equals(expected(next))).toBe(true);
      expect(spawned).toHaveLength(2);
    } finally {
      await pool.close();
    }
  });

  it('fails running and waiting jobs on close, and starts again on the next job', async () => {
    const pool = new HashThreads(1, () => new Worker(SILENT, { eval: true }));
    const running = pool.scrypt(request('pw-1'));
    const waiting = pool.scrypt(request('pw-2'));
    await pool.close();
    await expect(running).rejects.toThrow('stopped');
    await expect(waiting).rejects.toThrow('stopped');
    const real = new HashThreads(1);
    try {
      await real.close(); // before any thread started: nothing to stop
      const r = request('pw-3');
      expect((await real.scrypt(r)).equals(expected(r))).toBe(true);
    } finally {
      await real.close();
    }
  });

  (process.platform === 'linux' ? it : it.skip)('runs its threads at nice 19, each its own Linux thread', async () => {
    const pool = new HashThreads(1);
    try {
      const info = await pool.probe();
      expect(info.priority).toBe(19);
      expect(info.tid).toEqual(expect.any(Number));
      expect(info.tid).not.toBe(process.pid);
    } finally {
      await pool.close();
    }
  });
});
