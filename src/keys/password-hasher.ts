import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { AppConfig } from '../config/app-config.js';
import { APP_CONFIG } from '../config/config.module.js';
import { RuleViolation } from '../errors/api-error.js';
import { GateFull, HashGate } from './hash-gate.js';
import { HashThreads } from './hash-threads.js';
import { readImportedHash, verifyImportedHash, type ImportedHash } from './imported-hash.js';

const PREFIX = 'scrypt$';
/** A hash brought in by a users import: `imported$<the checked custom_password_hash as JSON>`. */
const IMPORTED_PREFIX = 'imported$';
const KEY_LENGTH = 32;
const SALT_BYTES = 16;
const BLOCK_SIZE = 8;
const PARALLELISM = 1;

interface ScryptParams {
  N: number;
  r: number;
  p: number;
  maxmem: number;
}

/** Seconds a refused login is told to wait: a queue's worth of hashes takes well under that. */
const RETRY_AFTER_SECONDS = 1;

function memoryFor(ln: number, r: number): number {
  // scrypt needs about 128 * N * r bytes; leave headroom so node does not refuse.
  return 128 * 2 ** ln * r * 2 + 1024 * 1024;
}

/**
 * User passwords, hashed with scrypt and a random salt. The stored form names its own parameters
 * (`scrypt$ln=15,r=8,p=1$<salt>$<hash>`), so raising the cost later keeps old hashes verifiable.
 * Every scrypt runs on a low-priority hashing thread (HashThreads), so logins never starve token
 * requests of CPU, and through one HashGate: a few at once, a bounded queue, and past it (or past
 * PASSWORD_HASH_MAX_WAIT_MS of expected wait) a 429 (`too_many_requests`, in the shape of the surface
 * asking) instead of a login that waits for seconds.
 */
@Injectable()
export class PasswordHasher implements OnModuleDestroy {
  private readonly ln: number;
  private readonly gate: HashGate;
  private readonly threads: HashThreads;
  private dummy?: Promise<string>;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    this.ln = config.passwordHashCost;
    this.threads = new HashThreads(config.passwordHashConcurrency);
    this.gate = new HashGate(config.passwordHashConcurrency, config.passwordHashQueue, {
      maxWaitMs: config.passwordHashMaxWaitMs,
    });
  }

  async onModuleDestroy(): Promise<void> {
    await this.threads.close();
  }

  private scrypt(password: string, salt: Buffer, keylen: number, params: ScryptParams): Promise<Buffer> {
    return this.gated(() => this.threads.scrypt({ password: password.normalize('NFKC'), salt, keylen, ...params }));
  }

  /** Through the gate: imported bcrypt, argon2 and pbkdf2 checks cost as much as ours. */
  private gated<T>(work: () => Promise<T>): Promise<T> {
    return this.gate.run(work).catch((e: unknown) => {
      throw e instanceof GateFull ? RuleViolation.tooManyRequests(RETRY_AFTER_SECONDS) : e;
    });
  }

  async hash(password: string): Promise<string> {
    const salt = randomBytes(SALT_BYTES);
    const opts = { N: 2 ** this.ln, r: BLOCK_SIZE, p: PARALLELISM, maxmem: memoryFor(this.ln, BLOCK_SIZE) };
    const key = await this.scrypt(password, salt, KEY_LENGTH, opts);
    return `${PREFIX}ln=${this.ln},r=${BLOCK_SIZE},p=${PARALLELISM}$${salt.toString('base64url')}$${key.toString('base64url')}`;
  }

  /** The stored form of a hash checked by readImportedHash(); verify() accepts it until the first login replaces it. */
  importedForm(hash: ImportedHash): string {
    return IMPORTED_PREFIX + JSON.stringify(hash);
  }

  /** Whether `stored` is Tessera's own hash; an imported one is replaced at the next successful login. */
  isOwn(stored: string): boolean {
    return stored.startsWith(PREFIX);
  }

  /** Constant-time check, for our scrypt hashes and imported ones; false for anything else. */
  async verify(password: string, stored: string): Promise<boolean> {
    if (stored.startsWith(IMPORTED_PREFIX)) {
      // An md5 or sha1 check answers in microseconds, an unknown user after a scrypt (burn): spend the
      // scrypt too, so the response time does not tell that this account exists.
      const [ok] = await Promise.all([
        this.gated(() => this.verifyImported(password, stored.slice(IMPORTED_PREFIX.length))),
        this.burn(password),
      ]);
      return ok;
    }
    const m = /^scrypt\$ln=(\d{1,2}),r=(\d{1,2}),p=(\d{1,2})\$([A-Za-z0-9_-]+)\$([A-Za-z0-9_-]+)$/.exec(stored);
    if (!m) {
      return false;
    }
    const [ln, r, p] = [Number(m[1]), Number(m[2]), Number(m[3])];
    if (ln < 1 || ln > 20 || r < 1 || p < 1) {
      return false;
    }
    const expected = Buffer.from(m[5], 'base64url');
    const key = await this.scrypt(password, Buffer.from(m[4], 'base64url'), expected.length, {
      N: 2 ** ln,
      r,
      p,
      maxmem: memoryFor(ln, r),
    });
    return key.length === expected.length && timingSafeEqual(key, expected);
  }

  private async verifyImported(password: string, json: string): Promise<boolean> {
    let hash: ReturnType<typeof readImportedHash>;
    try {
      // Checked again on the way out of the database: a stored form is trusted no more than an import.
      hash = readImportedHash(JSON.parse(json));
    } catch {
      return false;
    }
    return 'code' in hash ? false : verifyImportedHash(password, hash);
  }

  /**
   * Spends the same time as a real check for an unknown user, so response times do not tell whether a
   * username exists.
   */
  async burn(password: string): Promise<void> {
    // A dummy refused for capacity is made again next time, not kept as a rejected promise.
    this.dummy ??= this.hash(randomBytes(16).toString('base64url')).catch((e: unknown) => {
      this.dummy = undefined;
      throw e;
    });
    await this.verify(password, await this.dummy);
  }
}
