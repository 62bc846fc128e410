import { decodeJwt, decodeProtectedHeader, type JWTPayload, type ProtectedHeaderParameters } from 'jose';

export type TokenShape = 'jws' | 'jwe' | 'other';

/** Compact JWS has three parts, compact JWE five; anything else is not a JOSE token. */
export function tokenShape(token: string): TokenShape {
  let parts = 1;
  for (let i = token.indexOf('.'); i !== -1 && parts <= 5; i = token.indexOf('.', i + 1)) {
    parts++;
  }
  return parts === 3 ? 'jws' : parts === 5 ? 'jwe' : 'other';
}

/**
 * Reads a JWS's header and claims WITHOUT verifying them, only to choose which key to verify with.
 * Never trust what this returns; undefined for anything malformed.
 */
export function peekJws(token: string): { header: ProtectedHeaderParameters; payload: JWTPayload } | undefined {
  try {
    return { header: decodeProtectedHeader(token), payload: decodeJwt(token) };
  } catch {
    return undefined;
  }
}

/** The header alone of a JWS, unverified (see peekJws); undefined when malformed. */
export function peekJwsHeader(token: string): ProtectedHeaderParameters | undefined {
  try {
    return decodeProtectedHeader(token);
  } catch {
    return undefined;
  }
}

/**
 * The `alg` a JWS's header declares, unverified (see peekJws); undefined when the header is malformed or
 * has none. The header segments seen last are remembered (a tenant's tokens share a handful), so the
 * common case is a lookup instead of a base64url decode and a JSON parse per token.
 */
export function peekJwsAlg(token: string): string | undefined {
  const dot = token.indexOf('.');
  const segment = dot === -1 ? token : token.slice(0, dot);
  if (segment.length > MAX_REMEMBERED_HEADER) {
    return algOf(peekJwsHeader(token));
  }
  let alg = headerAlgs.get(segment);
  if (alg === undefined) {
    alg = algOf(peekJwsHeader(token)) ?? null;
    if (headerAlgs.size >= MAX_REMEMBERED_HEADERS) {
      headerAlgs.clear();
    }
    headerAlgs.set(segment, alg);
  }
  return alg ?? undefined;
}

const MAX_REMEMBERED_HEADERS = 256;
/** Longer header segments are decoded every time, never remembered. */
const MAX_REMEMBERED_HEADER = 512;
/** Header segment -> its `alg` (null: none, or not a header). */
const headerAlgs = new Map<string, string | null>();

function algOf(header: ProtectedHeaderParameters | undefined): string | undefined {
  return typeof header?.alg === 'string' ? header.alg : undefined;
}
