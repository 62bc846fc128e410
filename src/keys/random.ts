import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** URL-safe random string carrying `bytes` bytes of entropy. */
export function randomToken(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}

/** 24 hex characters, the shape of Auth0's object ids. */
export function randomId(): string {
  return randomBytes(12).toString('hex');
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
