import { peekHeaderIds, peekJwsAlg, tokenShape } from './jwt-peek.js';

const b64 = (v: unknown): string => Buffer.from(typeof v === 'string' ? v : JSON.stringify(v)).toString('base64url');
const token = (header: unknown): string => `${b64(header)}.${b64({ sub: 'x' })}.c2ln`;

describe('peekJwsAlg', () => {
  it('reads the header alg, the same on every call', () => {
    for (let i = 0; i < 3; i++) {
      expect(peekJwsAlg(token({ alg: 'HS256', typ: 'JWT' }))).toBe('HS256');
      expect(peekJwsAlg(token({ alg: 'RS256', kid: 'k' }))).toBe('RS256');
    }
  });

  it('is undefined for a header that is not JSON, not an object, or has no string alg', () => {
    for (let i = 0; i < 2; i++) {
      expect(peekJwsAlg(token('not json'))).toBeUndefined();
      expect(peekJwsAlg(token([1]))).toBeUndefined();
      expect(peekJwsAlg(token({ alg: 7 }))).toBeUndefined();
      expect(peekJwsAlg(token({ typ: 'JWT' }))).toBeUndefined();
    }
  });

  it('answers by each header, past the number of headers it remembers and for long headers', () => {
    for (let i = 0; i < 600; i++) {
      const alg = i % 2 ? 'HS256' : 'RS256';
      expect(peekJwsAlg(token({ alg, kid: `k${i}` }))).toBe(alg);
    }
    expect(peekJwsAlg(token({ alg: 'HS256', pad: 'x'.repeat(600) }))).toBe('HS256');
    expect(peekJwsAlg(token({ alg: 'RS256', pad: 'x'.repeat(600) }))).toBe('RS256');
  });
});

describe('tokenShape', () => {
  it('counts the parts: three a JWS, five a JWE, anything else other', () => {
    expect(tokenShape('a.b.c')).toBe('jws');
    expect(tokenShape('..')).toBe('jws');
    expect(tokenShape('a.b.c.d.e')).toBe('jwe');
    expect(tokenShape('....')).toBe('jwe');
    for (const t of ['', 'abc', 'a.b', 'a.b.c.d', 'a.b.c.d.e.f', '.....', 'a.b.c.d.e.f.g.h']) {
      expect([t, tokenShape(t)]).toEqual([t, 'other']);
    }
  });
});

describe('peekHeaderIds', () => {
  it('reads string alg and kid only, frozen, from a JWE header too', () => {
    const jwe = `${b64({ alg: 'dir', enc: 'A256GCM', kid: 'k1' })}..iv.ct.tag`;
    for (let i = 0; i < 2; i++) {
      const ids = peekHeaderIds(jwe);
      expect(ids).toEqual({ alg: 'dir', kid: 'k1' });
      expect(Object.isFrozen(ids)).toBe(true);
      expect(peekHeaderIds(token({ alg: 'RS256', kid: 5 }))).toEqual({ alg: 'RS256', kid: undefined });
      expect(peekHeaderIds(token('{'))).toBeUndefined();
    }
  });
});
