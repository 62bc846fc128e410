import { createPrivateKey, createPublicKey, createSecretKey, generateKeyPair, webcrypto, type KeyObject } from 'node:crypto';
import { promisify } from 'node:util';
import { calculateJwkThumbprint, exportJWK, type JWK } from 'jose';

const generateRsa = promisify(generateKeyPair);

export const ASYMMETRIC_ALGS = ['RS256', 'PS256'] as const;
export const SIGNING_ALGS = ['HS256', 'RS256', 'PS256'] as const;
export type SigningAlg = (typeof SIGNING_ALGS)[number];

export interface GeneratedKey {
  kid: string;
  publicJwk: JWK;
  privatePem: string;
}

/** A fresh RSA-2048 key pair; `kid` is its RFC 7638 thumbprint. */
export async function generateRsaSigningKey(): Promise<GeneratedKey> {
  const { privateKey, publicKey } = await generateRsa('rsa', { modulusLength: 2048 });
  const publicJwk = await publicJwkOf(publicKey);
  const kid = await calculateJwkThumbprint(publicJwk, 'sha256');
  return { kid, publicJwk: { ...publicJwk, kid }, privatePem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString() };
}

/** Only the public members: a private member can never reach the JWKS, whatever the input holds. */
export async function publicJwkOf(key: KeyObject): Promise<JWK> {
  const jwk = await exportJWK(key);
  if (jwk.kty !== 'RSA' || !jwk.n || !jwk.e) {
    throw new Error('Signing keys must be RSA');
  }
  return { kty: 'RSA', n: jwk.n, e: jwk.e };
}

/** Loads an RSA private key and refuses anything else, so an RS/PS key can never act as an HMAC secret. */
export function loadRsaPrivateKey(pem: string): KeyObject {
  const key = createPrivateKey(pem);
  if (key.asymmetricKeyType !== 'rsa') {
    throw new Error('Signing keys must be RSA');
  }
  return key;
}

export function loadRsaPublicKey(jwk: JWK): KeyObject {
  const key = createPublicKey({ key: { kty: 'RSA', n: jwk.n, e: jwk.e }, format: 'jwk' });
  if (key.asymmetricKeyType !== 'rsa') {
    throw new Error('Signing keys must be RSA');
  }
  return key;
}

/** HS256 secret as Auth0 and express-oauth2-jwt-bearer use it: the UTF-8 bytes of the string. */
export function hmacKey(secret: string): KeyObject {
  return createSecretKey(Buffer.from(secret, 'utf8'));
}

/**
 * The same HS256 key as a WebCrypto key. jose signs with it as it is, whereas a secret KeyObject is
 * exported and imported again on every signature.
 */
export function hmacCryptoKey(secret: string): Promise<webcrypto.CryptoKey> {
  return webcrypto.subtle.importKey('raw', Buffer.from(secret, 'utf8'), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign', 'verify']);
}

export function isAsymmetricAlg(alg: string): alg is 'RS256' | 'PS256' {
  return alg === 'RS256' || alg === 'PS256';
}
