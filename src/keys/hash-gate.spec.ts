import { GateFull, HashGate } from './hash-gate.js';

/** A task the test finishes by hand, so nothing depends on timing. */
function manual() {
  let finish!: (v: string) => void;
  const done = new Promise<string>((resolve) => (finish = resolve));
  let started = false;
  const task = () => {
    started = true;
    return done;
  };
  return { task, finish: (v: string) => finish(v), started: () => started };
}

const tick = () => new Promise((r) => setImmediate(r));

describe('HashGate', () => {
  it('runs at most `concurrency` tasks, queues up to `queueLimit`, and refuses the next at once', async () => {
    const gate = new HashGate(2, 1);
    const [a, b, c] = [manual(), manual(), manual()];
    const pa = gate.run(a.task);
    const pb = gate.run(b.task);
    const pc = gate.run(c.task);
    await expect(gate.run(() => Promise.resolve('x'))).rejects.toBeInstanceOf(GateFull);
    expect([a.started(), b.started(), c.started()]).toEqual([true, true, false]);
    expect([gate.active, gate.queued]).toEqual([2, 1]);

    a.finish('a');
    await expect(pa).resolves.toBe('a');
    await tick();
    expect(c.started()).toBe(true);
    expect([gate.active, gate.queued]).toEqual([2, 0]);

    b.finish('b');
    c.finish('c');
    await expect(Promise.all([pb, pc])).resolves.toEqual(['b', 'c']);
    expect([gate.active, gate.queued]).toEqual([0, 0]);
  });

  it('hands a freed slot to the oldest waiter, not to a newcomer', async () => {
    const gate = new HashGate(1, 2);
    const [a, b, c] = [manual(), manual(), manual()];
    const pa = gate.run(a.task);
    const pb = gate.run(b.task);
    a.finish('a');
    await pa;
    const pc = gate.run(c.task); // arrives as the slot frees: waits behind b
    await tick();
    expect([b.started(), c.started()]).toEqual([true, false]);
    b.finish('b');
    await pb;
    await tick();
    expect(c.started()).toBe(true);
    c.finish('c');
    await expect(pc).resolves.toBe('c');
  });

  it('frees the slot when a task fails, and passes the failure on', async () => {
    const gate = new HashGate(1, 0);
    await expect(gate.run(() => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(gate.active).toBe(0);
    await expect(gate.run(() => Promise.resolve(1))).resolves.toBe(1);
  });

  it('with no queue, refuses whatever finds every slot taken', async () => {
    const gate = new HashGate(1, 0);
    const a = manual();
    const pa = gate.run(a.task);
    await expect(gate.run(() => Promise.resolve(1))).rejects.toBeInstanceOf(GateFull);
    a.finish('a');
    await pa;
    await expect(gate.run(() => Promise.resolve(2))).resolves.toBe(2);
  });

  describe('adaptive admission (PASSWORD_HASH_MAX_WAIT_MS)', () => {
    /** A gate on a clock the test moves; a task's service time is how far the clock moved while it ran. */
    function timedGate(concurrency: number, queueLimit: number, maxWaitMs: number) {
      const clock = { t: 0 };
      const gate = new HashGate(concurrency, queueLimit, { maxWaitMs, now: () => clock.t });
      /** Runs one task that takes `ms` on the test's clock. */
      const serve = async (ms: number) => {
        const a = manual();
        const p = gate.run(a.task);
        clock.t += ms;
        a.finish('done');
        await p;
      };
      return { clock, gate, serve };
    }

    it('refuses a newcomer at once when (queued + 1) × mean service time / concurrency passes the bound', async () => {
      const { gate, serve } = timedGate(2, 100, 1000);
      await serve(400);
      expect(gate.meanServiceMs).toBe(400);
      const running = [manual(), manual()];
      const pr = running.map((m) => gate.run(m.task));
      // Both slots busy: the first waiter expects (0 + 1) × 400 / 2 = 200 ms, the fifth 1000 ms: all taken.
      const waiters = Array.from({ length: 5 }, () => manual());
      const pw = waiters.map((m) => gate.run(m.task));
      expect(gate.queued).toBe(5);
      // The sixth would expect (5 + 1) × 400 / 2 = 1200 ms: refused, though the queue has room for 100.
      expect(gate.expectedWaitMs).toBe(1200);
      const refused = gate.run(() => Promise.resolve('x'));
      expect(gate.queued).toBe(5); // not queued (checked first, so a wrong admission fails here rather than hangs)
      await expect(refused).rejects.toBeInstanceOf(GateFull);

      [...running, ...waiters].forEach((m) => m.finish('ok'));
      await expect(Promise.all([...pr, ...pw])).resolves.toHaveLength(7);
    });

    it('follows the service time as it changes (a running mean), and admits more once hashes are quick again', async () => {
      const { gate, serve } = timedGate(1, 100, 1000);
      await serve(100);
      await serve(2600); // 100 + 0.2 × (2600 - 100)
      expect(gate.meanServiceMs).toBe(600);
      const holder = manual();
      const ph = gate.run(holder.task);
      const first = manual();
      const pf = gate.run(first.task); // expects 600 ms: waits
      const refused = gate.run(() => Promise.resolve(1)); // 2 × 600 > 1000
      expect(gate.queued).toBe(1);
      await expect(refused).rejects.toBeInstanceOf(GateFull);
      holder.finish('h');
      await ph;
      await tick();
      first.finish('f');
      await pf;
      for (let i = 0; i < 20; i++) {
        await serve(10);
      }
      expect(gate.meanServiceMs!).toBeLessThan(20);
      const again = manual();
      const pa = gate.run(again.task);
      const behind = Array.from({ length: 3 }, () => gate.run(() => Promise.resolve(2)));
      expect(gate.queued).toBe(3);
      again.finish('a');
      await expect(Promise.all([pa, ...behind])).resolves.toEqual(['a', 2, 2, 2]);
    });

    it('always starts a task that finds a free slot, however slow hashes have been, so the mean can recover', async () => {
      const { gate, serve } = timedGate(1, 100, 1000);
      await serve(5000);
      await expect(gate.run(() => Promise.resolve('runs'))).resolves.toBe('runs');
    });

    it('bounds the wait only once a task was timed, and a bound of 0 refuses anything that would wait', async () => {
      const { gate, serve } = timedGate(1, 100, 0);
      const a = manual();
      const pa = gate.run(a.task);
      const pb = gate.run(() => Promise.resolve('b')); // nothing timed yet: the queue alone decides
      expect(gate.queued).toBe(1);
      a.finish('a');
      await expect(Promise.all([pa, pb])).resolves.toEqual(['a', 'b']);
      await serve(1);
      const c = manual();
      const pc = gate.run(c.task);
      const refused = gate.run(() => Promise.resolve('d'));
      expect(gate.queued).toBe(0);
      await expect(refused).rejects.toBeInstanceOf(GateFull);
      c.finish('c');
      await pc;
    });
  });
});
