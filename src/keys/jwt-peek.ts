import { decodeJwt, decodeProtectedHeader, type JWTPayload, type ProtectedHeaderParameters } from 'jose';

export type TokenShape = 'jws' | 'jwe' | 'other';

/** Compact JWS has three parts, compact JWE five; anything else is not a JOSE token. */
export function tokenShape(token: string): TokenShape {
  const parts = token.split('.').length;
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
