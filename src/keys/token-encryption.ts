import { createPublicKey, type KeyObject } from 'node:crypto';
import { calculateJwkThumbprint, CompactEncrypt, exportJWK } from 'jose';
import { RuleViolation } from '../errors/api-error.js';

export const TOKEN_ENCRYPTION_FORMAT = 'compact-nested-jwe';
export const TOKEN_ENCRYPTION_ALG = 'RSA-OAEP-256';
export const TOKEN_ENCRYPTION_ENC = 'A256GCM';
export const MIN_ENCRYPTION_KEY_BITS = 2048;

/** An API's `token_encryption.encryption_key.pem` that cannot encrypt tokens: a Management API payload error. */
export class EncryptionKeyError extends RuleViolation {
  constructor(reason: string) {
    super(`Payload validation error: 'token_encryption.${reason}'.`);
  }
}

export interface LoadedEncryptionKey {
  key: KeyObject;
  /** RFC 7638 thumbprint, used as `kid` when the admin gives none. */
  thumbprint: string;
}

/**
 * Reads an API's encryption key: a PEM public key (SPKI or PKCS#1) or an X.509 certificate holding an
 * RSA key of at least 2048 bits. Anything else is refused with a message fit for a 400.
 */
export async function loadEncryptionKey(pem: string): Promise<LoadedEncryptionKey> {
  if (!/-----BEGIN (PUBLIC KEY|RSA PUBLIC KEY|CERTIFICATE)-----/.test(pem)) {
    throw new EncryptionKeyError('encryption_key.pem must be a PEM public key or X.509 certificate');
  }
  if (/PRIVATE KEY-----/.test(pem)) {
    throw new EncryptionKeyError('encryption_key.pem must hold a public key, never a private key');
  }
  let key: KeyObject;
  try {
    key = createPublicKey(pem);
  } catch {
    throw new EncryptionKeyError('encryption_key.pem is not a valid PEM public key or certificate');
  }
  if (key.asymmetricKeyType !== 'rsa') {
    throw new EncryptionKeyError(`encryption_key.pem must be an RSA key for ${TOKEN_ENCRYPTION_ALG}`);
  }
  const bits = key.asymmetricKeyDetails?.modulusLength ?? 0;
  if (bits < MIN_ENCRYPTION_KEY_BITS) {
    throw new EncryptionKeyError(`encryption_key.pem is a ${bits}-bit RSA key; at least ${MIN_ENCRYPTION_KEY_BITS} bits are required`);
  }
  const jwk = await exportJWK(key);
  return { key, thumbprint: await calculateJwkThumbprint({ kty: 'RSA', n: jwk.n, e: jwk.e }, 'sha256') };
}

export type EncryptionKey = KeyObject;

/** Loads a PEM that `loadEncryptionKey` already accepted (hot path: done once per cached API). */
export function encryptionKeyFromPem(pem: string): EncryptionKey {
  return createPublicKey(pem);
}

/** Wraps a signed JWT in a compact JWE (RSA-OAEP-256 / A256GCM, `cty: JWT`) that only the API can open. */
export async function encryptNestedJwt(signedJwt: string, key: KeyObject, kid: string): Promise<string> {
  return new CompactEncrypt(new TextEncoder().encode(signedJwt))
    .setProtectedHeader({ alg: TOKEN_ENCRYPTION_ALG, enc: TOKEN_ENCRYPTION_ENC, cty: 'JWT', kid })
    .encrypt(key);
}
