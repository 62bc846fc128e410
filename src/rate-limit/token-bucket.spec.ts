import { TokenBuckets } from './token-bucket.js';

describe('TokenBuckets', () => {
  const rule = { rate: 10, burst: 3 };

  it('allows a burst, then refuses with a retry delay, then refills at the rate', () => {
    const b = new TokenBuckets();
    const t0 = 1_000_000;
    expect([1, 2, 3].map(() => b.take('k', rule, t0).allowed)).toEqual([true, true, true]);
    const refused = b.take('k', rule, t0);
    expect(refused).toMatchObject({ allowed: false, remaining: 0, retryAfter: 1 });
    expect(b.take('k', rule, t0 + 100).allowed).toBe(true);
    expect(b.take('k', rule, t0 + 100).allowed).toBe(false);
  });

  it('keeps keys apart', () => {
    const b = new TokenBuckets();
    for (let i = 0; i < 3; i++) {
      b.take('a', rule, 0);
    }
    expect(b.take('a', rule, 0).allowed).toBe(false);
    expect(b.take('b', rule, 0).allowed).toBe(true);
  });
});
