import { createHash, randomBytes, randomFillSync, timingSafeEqual } from 'node:crypto';

/** URL-safe random string carrying `bytes` bytes of entropy. */
export function randomToken(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}

/**
 * Random bytes for ids drawn from a pool filled 4 KiB at a time: a CSPRNG call costs microseconds
 * whatever its size, and token issuance takes two ids per request (jti, log id). Each byte is handed out
 * once; an exhausted pool is replaced by a fresh buffer, never refilled in place.
 */
const ID_POOL_SIZE = 4096;
let idPool = Buffer.alloc(0);
let idPoolOffset = 0;

/** 24 hex characters, the shape of Auth0's object ids. */
export function randomId(): string {
  if (idPoolOffset + 12 > idPool.length) {
    idPool = randomFillSync(Buffer.allocUnsafe(ID_POOL_SIZE));
    idPoolOffset = 0;
  }
  const id = idPool.toString('hex', idPoolOffset, idPoolOffset + 12);
  idPoolOffset += 12;
  return id;
}

/** Alphanumeric string, the shape of Auth0 client ids. */
export function randomAlphanumeric(length: number): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  const out: string[] = [];
  while (out.length < length) {
    for (const b of randomBytes(length * 2)) {
      // 62 * 4 = 248: rejecting bytes >= 248 keeps the distribution uniform.
      if (b < 248 && out.length < length) {
        out.push(alphabet[b % 62]);
      }
    }
  }
  return out.join('');
}

/** Constant-time string equality (length is not secret: it leaks only through the early return). */
export function constantTimeEqual(a: string, b: string): boolean {
  const ab = Buffer.from(a, 'utf8');
  const bb = Buffer.from(b, 'utf8');
  if (ab.length !== bb.length) {
    // Compare against itself anyway so both branches cost about the same.
    timingSafeEqual(ab, ab);
    return false;
  }
  return timingSafeEqual(ab, bb);
}

export function sha256(value: string): string {
  return createHash('sha256').update(value).digest('base64url');
}
