import { GateFull, HashGate } from './hash-gate.js';

/** A task the test finishes by hand, so nothing depends on timing. */
function manual() {
  let finish!: (v: string) => void;
  let started = false;
  const task = () => {
    started = true;
    return new Promise<string>((resolve) => (finish = resolve));
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
});
