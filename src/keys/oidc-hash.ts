import { createHash } from 'node:crypto';

/**
 * OIDC Core §3.1.3.6 `at_hash` (and `c_hash`): the left half of the SHA-256 of the ASCII token,
 * base64url. SHA-256 matches every algorithm Tessera signs with (HS256, RS256, PS256).
 */
export function oidcTokenHash(token: string): string {
  const digest = createHash('sha256').update(token, 'ascii').digest();
  return digest.subarray(0, digest.length / 2).toString('base64url');
}

/** Gravatar's address hash of an email (MD5 is what Gravatar uses; it protects nothing here). */
export function gravatarHash(email: string): string {
  return createHash('md5').update(email.trim().toLowerCase()).digest('hex');
}
