/**
 * One token, one spelling. A compact JWS or JWE is base64url segments WITHOUT padding joined by dots
 * (RFC 7515 §2, §7.1). Decoders are lenient (Node's skips whitespace and `=`, takes `+` and `/`, ignores a
 * final character's spare bits), so many strings decode to the same token; accepting them would let a
 * revoked or replayed token come back under another spelling. A segment is canonical when decoding and
 * re-encoding it gives it back unchanged: that refuses padding, whitespace, the `+/` alphabet, spare bits
 * and anything trailing in one rule.
 */
const SEGMENT = /^[A-Za-z0-9_-]*$/;

export function isCanonicalSegment(segment: string): boolean {
  return SEGMENT.test(segment) && Buffer.from(segment, 'base64url').toString('base64url') === segment;
}

/** True when `token` is a compact JWS (3 segments) or JWE (5) in its only canonical spelling. */
export function isCanonicalCompact(token: string, parts: 3 | 5 | 'any' = 'any'): boolean {
  const segments = token.split('.');
  if (parts === 'any' ? segments.length !== 3 && segments.length !== 5 : segments.length !== parts) {
    return false;
  }
  return segments.every(isCanonicalSegment);
}
