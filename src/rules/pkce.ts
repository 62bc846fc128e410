/**
 * PKCE (RFC 7636) as pure rules. Only `S256` is supported: `plain` would let anyone who sees the
 * authorization request redeem the code.
 */

import { RuleViolation } from '../errors/api-error.js';

/** §4.1: 43 to 128 characters of [A-Z] / [a-z] / [0-9] / "-" / "." / "_" / "~". */
const VERIFIER = /^[A-Za-z0-9\-._~]{43,128}$/;
/** §4.2: BASE64URL(SHA256(verifier)) is always 43 characters. */
const S256_CHALLENGE = /^[A-Za-z0-9_-]{43}$/;

/**
 * Checks the PKCE parameters of an authorization request. A public client must send a challenge, since
 * it has no secret to protect its code; a confidential client may.
 */
export function assertPkceRequest(challenge: string | undefined, method: string | undefined, publicClient: boolean): void {
  if (challenge === undefined) {
    if (method !== undefined) {
      throw new RuleViolation('code_challenge_method was given without code_challenge');
    }
    if (publicClient) {
      throw new RuleViolation('Public clients must use PKCE: code_challenge and code_challenge_method=S256 are required');
    }
    return;
  }
  if (method !== 'S256') {
    throw new RuleViolation(
      method === undefined || method === 'plain'
        ? 'code_challenge_method must be S256 (plain is not supported)'
        : `Unsupported code_challenge_method "${method}"; use S256`,
    );
  }
  if (!S256_CHALLENGE.test(challenge)) {
    throw new RuleViolation('code_challenge must be the base64url SHA-256 of the code verifier (43 characters)');
  }
}

/**
 * §4.6: whether `verifier` answers `challenge`. `s256` is BASE64URL(SHA256(ascii)), `equals` a
 * constant-time comparison; both come from the keys module, which owns crypto.
 */
export function pkceVerifierMatches(
  challenge: string,
  verifier: string | undefined,
  s256: (value: string) => string,
  equals: (a: string, b: string) => boolean,
): boolean {
  if (verifier === undefined || !VERIFIER.test(verifier)) {
    return false;
  }
  return equals(s256(verifier), challenge);
}
