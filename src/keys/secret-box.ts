import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

const PREFIX = 'v1.';

/** AES-256-GCM envelope for secrets at rest: `v1.<iv>.<ciphertext+tag>` in base64url. */
export class SecretBox {
  constructor(private readonly key: Buffer) {
    if (key.length !== 32) {
      throw new Error('SecretBox needs a 32-byte key');
    }
  }

  /** Uses `keyB64` when given, else the key file, creating it (mode 0600) on first start. */
  static open(keyB64: string | undefined, keyFile: string): SecretBox {
    if (keyB64) {
      return new SecretBox(Buffer.from(keyB64, 'base64url'));
    }
    if (!existsSync(keyFile)) {
      mkdirSync(dirname(keyFile), { recursive: true });
      writeFileSync(keyFile, randomBytes(32).toString('base64url') + '\n', { mode: 0o600, flag: 'wx' });
    }
    chmodSync(keyFile, 0o600);
    const key = Buffer.from(readFileSync(keyFile, 'utf8').trim(), 'base64url');
    return new SecretBox(key);
  }

  /**
   * HMAC-SHA256 of `data` (base64url) under a key derived from the master key for `purpose` alone, so a
   * signature made for one purpose (a download link) is worth nothing for another, and the master key
   * itself never signs anything.
   */
  mac(data: string, purpose: string): string {
    const key = Buffer.from(hkdfSync('sha256', this.key, Buffer.alloc(0), `tessera mac: ${purpose}`, 32));
    return createHmac('sha256', key).update(data).digest('base64url');
  }

  seal(plaintext: string, context: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    cipher.setAAD(Buffer.from(context));
    const ct = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final(), cipher.getAuthTag()]);
    return `${PREFIX}${iv.toString('base64url')}.${ct.toString('base64url')}`;
  }

  /** `context` binds the envelope to its row (AAD), so an envelope copied to another row fails to open. */
  open(envelope: string, context: string): string {
    if (!envelope.startsWith(PREFIX)) {
      throw new Error('Not a sealed secret');
    }
    const [ivB64, ctB64] = envelope.slice(PREFIX.length).split('.');
    const iv = Buffer.from(ivB64, 'base64url');
    const data = Buffer.from(ctB64, 'base64url');
    const decipher = createDecipheriv('aes-256-gcm', this.key, iv);
    decipher.setAAD(Buffer.from(context));
    decipher.setAuthTag(data.subarray(data.length - 16));
    return Buffer.concat([decipher.update(data.subarray(0, data.length - 16)), decipher.final()]).toString('utf8');
  }
}
