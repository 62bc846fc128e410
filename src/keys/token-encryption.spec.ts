import { generateKeyPairSync } from 'node:crypto';
import { compactDecrypt, decodeProtectedHeader } from 'jose';
import { encryptNestedJwt, EncryptionKeyError, loadEncryptionKey } from './token-encryption.js';

function rsa(bits: number) {
  return generateKeyPairSync('rsa', { modulusLength: bits });
}

describe('token encryption', () => {
  it('accepts an RSA-2048 public key and round-trips a nested JWT', async () => {
    const { publicKey, privateKey } = rsa(2048);
    const loaded = await loadEncryptionKey(publicKey.export({ type: 'spki', format: 'pem' }).toString());
    const jwe = await encryptNestedJwt('a.b.c', loaded.key, 'k1');
    expect(decodeProtectedHeader(jwe)).toEqual({ alg: 'RSA-OAEP-256', enc: 'A256GCM', cty: 'JWT', kid: 'k1' });
    const { plaintext } = await compactDecrypt(jwe, privateKey);
    expect(new TextDecoder().decode(plaintext)).toBe('a.b.c');
    expect(loaded.thumbprint).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it('refuses keys under 2048 bits', async () => {
    const { publicKey } = rsa(1024);
    await expect(loadEncryptionKey(publicKey.export({ type: 'spki', format: 'pem' }).toString())).rejects.toThrow(/1024-bit/);
  });

  it('refuses non-RSA keys, private keys and garbage', async () => {
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    await expect(loadEncryptionKey(ec.publicKey.export({ type: 'spki', format: 'pem' }).toString())).rejects.toThrow(/RSA/);
    const { privateKey } = rsa(2048);
    await expect(loadEncryptionKey(privateKey.export({ type: 'pkcs8', format: 'pem' }).toString())).rejects.toThrow(EncryptionKeyError);
    await expect(loadEncryptionKey('-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----')).rejects.toThrow(/not a valid/);
    await expect(loadEncryptionKey('hello')).rejects.toThrow(/PEM/);
  });
});
