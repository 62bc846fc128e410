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

/** What a key choice reads from a JOSE header: its `alg` and `kid`, when they are strings. */
export interface HeaderIds {
  readonly alg?: string;
  readonly kid?: string;
}

/**
 * The `alg` and `kid` a compact token's protected header declares, unverified (see peekJws); undefined
 * when the header is malformed. The header segments seen last are remembered (a tenant's tokens share a
 * handful), so the common case is a lookup instead of a base64url decode and a JSON parse per token.
 */
export function peekHeaderIds(token: string): HeaderIds | undefined {
  const dot = token.indexOf('.');
  const segment = dot === -1 ? token : token.slice(0, dot);
  if (segment.length > MAX_REMEMBERED_HEADER) {
    return idsOf(peekJwsHeader(token));
  }
  let ids = headerIds.get(segment);
  if (ids === undefined) {
    ids = idsOf(peekJwsHeader(token)) ?? null;
    if (headerIds.size >= MAX_REMEMBERED_HEADERS) {
      headerIds.clear();
    }
    headerIds.set(segment, ids);
  }
  return ids ?? undefined;
}

/** The `alg` a JWS's header declares, unverified; undefined when the header is malformed or has none. */
export function peekJwsAlg(token: string): string | undefined {
  return peekHeaderIds(token)?.alg;
}

const MAX_REMEMBERED_HEADERS = 256;
/** Longer header segments are decoded every time, never remembered. */
const MAX_REMEMBERED_HEADER = 512;
/** Header segment -> its ids (null: not a header). */
const headerIds = new Map<string, HeaderIds | null>();

function idsOf(header: ProtectedHeaderParameters | undefined): HeaderIds | undefined {
  if (!header) {
    return undefined;
  }
  return Object.freeze({
    alg: typeof header.alg === 'string' ? header.alg : undefined,
    kid: typeof header.kid === 'string' ? header.kid : undefined,
  });
}
