/**
 * One token, one spelling. A compact JWS or JWE is base64url segments WITHOUT padding joined by dots
 * (RFC 7515 §2, §7.1). Decoders are lenient (Node's skips whitespace and `=`, takes `+` and `/`, ignores a
 * final character's spare bits), so many strings decode to the same token; accepting them would let a
 * revoked or replayed token come back under another spelling. A segment is canonical when decoding and
 * re-encoding it gives it back unchanged: that refuses padding, whitespace, the `+/` alphabet, spare bits
 * and anything trailing in one rule.
 */
const SEGMENT = /^[A-Za-z0-9_-]*$/;

/**
 * The same rule without the round trip (this runs on every bearer token, and decoding then encoding a
 * 342-character signature allocates two buffers and a string): over the base64url alphabet, re-encoding
 * gives the segment back exactly when its length is not 1 mod 4 (a lone last character holds no byte)
 * and the last character's spare bits are zero (4 of them after 2 characters of a group, 2 after 3).
 */
export function isCanonicalSegment(segment: string): boolean {
  return SEGMENT.test(segment) && endsCanonically(segment, 0, segment.length);
}

/** The length and last-character rule for the segment `s[start, end)`, over the base64url alphabet. */
function endsCanonically(s: string, start: number, end: number): boolean {
  const rest = (end - start) % 4;
  if (rest === 0) {
    return true;
  }
  if (rest === 1) {
    return false;
  }
  const last = sextet(s.charCodeAt(end - 1));
  return (last & (rest === 2 ? 0x0f : 0x03)) === 0;
}

/** The 6-bit value of a base64url character (the caller has checked the alphabet). */
function sextet(c: number): number {
  if (c >= 0x41 && c <= 0x5a) {
    return c - 0x41; // A-Z
  }
  if (c >= 0x61 && c <= 0x7a) {
    return c - 0x61 + 26; // a-z
  }
  if (c >= 0x30 && c <= 0x39) {
    return c - 0x30 + 52; // 0-9
  }
  return c === 0x2d ? 62 : 63; // '-', '_'
}

/** Base64url segments joined by dots: the alphabet of a compact token, checked in one pass. */
const COMPACT = /^[A-Za-z0-9_-]*(?:\.[A-Za-z0-9_-]*)*$/;

/**
 * True when `token` is a compact JWS (3 segments) or JWE (5) in its only canonical spelling. Walks the
 * dots rather than splitting: no array, no substrings.
 */
export function isCanonicalCompact(token: string, parts: 3 | 5 | 'any' = 'any'): boolean {
  if (!COMPACT.test(token)) {
    return false;
  }
  let count = 0;
  let start = 0;
  for (;;) {
    const dot = token.indexOf('.', start);
    const end = dot === -1 ? token.length : dot;
    count++;
    if (count > 5 || !endsCanonically(token, start, end)) {
      return false;
    }
    if (dot === -1) {
      break;
    }
    start = dot + 1;
  }
  return parts === 'any' ? count === 3 || count === 5 : count === parts;
}
