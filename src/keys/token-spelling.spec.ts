import { randomBytes } from 'node:crypto';
import { isCanonicalCompact, isCanonicalSegment } from './token-spelling.js';

/** The rule as first written: decoding then re-encoding gives the segment back. */
function roundTrips(segment: string): boolean {
  return /^[A-Za-z0-9_-]*$/.test(segment) && Buffer.from(segment, 'base64url').toString('base64url') === segment;
}

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_+/= .';

describe('isCanonicalSegment', () => {
  it('accepts what base64url encoding produces, of every length', () => {
    for (let n = 0; n < 40; n++) {
      expect(isCanonicalSegment(randomBytes(n).toString('base64url'))).toBe(true);
    }
  });

  it('refuses padding, the +/ alphabet, whitespace, a lone last character and spare bits', () => {
    expect(isCanonicalSegment('QQ==')).toBe(false);
    expect(isCanonicalSegment('a+b/')).toBe(false);
    expect(isCanonicalSegment('QUJD ')).toBe(false);
    expect(isCanonicalSegment('QUJDR')).toBe(false);
    expect(isCanonicalSegment('QR')).toBe(false); // 'R' leaves spare bits set; 'QQ' is the only spelling of "A"
    expect(isCanonicalSegment('QQ')).toBe(true);
    expect(isCanonicalSegment('QUJ')).toBe(false);
    expect(isCanonicalSegment('QUI')).toBe(true);
  });

  it('agrees with decoding and re-encoding on every short string and on random longer ones', () => {
    const chars = [...ALPHABET];
    let checked = 0;
    const walk = (prefix: string, depth: number): void => {
      expect([prefix, isCanonicalSegment(prefix)]).toEqual([prefix, roundTrips(prefix)]);
      checked++;
      if (depth > 0) {
        for (const c of chars) {
          walk(prefix + c, depth - 1);
        }
      }
    };
    walk('', 2);
    for (let i = 0; i < 20000; i++) {
      const len = 1 + (i % 47);
      const s = Array.from({ length: len }, () => chars[Math.floor(Math.random() * (i % 3 === 0 ? chars.length : 64))]).join('');
      expect([s, isCanonicalSegment(s)]).toEqual([s, roundTrips(s)]);
      checked++;
    }
    expect(checked).toBeGreaterThan(20000);
  });
});

describe('isCanonicalCompact', () => {
  it('takes three or five canonical segments only', () => {
    const seg = randomBytes(10).toString('base64url');
    expect(isCanonicalCompact([seg, seg, seg].join('.'), 3)).toBe(true);
    expect(isCanonicalCompact([seg, seg, seg].join('.'), 5)).toBe(false);
    expect(isCanonicalCompact([seg, '', seg, seg, seg].join('.'))).toBe(true);
    expect(isCanonicalCompact([seg, seg].join('.'))).toBe(false);
    expect(isCanonicalCompact([seg, seg, `${seg}=`].join('.'))).toBe(false);
  });

  it('agrees with splitting and checking each segment, on random tokens', () => {
    const bySplit = (t: string, parts: 3 | 5 | 'any'): boolean => {
      const segments = t.split('.');
      const n = segments.length;
      return (parts === 'any' ? n === 3 || n === 5 : n === parts) && segments.every(roundTrips);
    };
    const chars = [...ALPHABET, '.', '.', '.', '.'];
    for (let i = 0; i < 20000; i++) {
      const len = i % 40;
      const t = Array.from({ length: len }, () => chars[Math.floor(Math.random() * (i % 2 ? chars.length : 64))]).join('');
      for (const parts of [3, 5, 'any'] as const) {
        expect([t, parts, isCanonicalCompact(t, parts)]).toEqual([t, parts, bySplit(t, parts)]);
      }
    }
  });
});
