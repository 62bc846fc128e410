import { Inject, Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { randomBytes, webcrypto } from 'node:crypto';
import { EncryptJWT, errors, jwtDecrypt, type JWTPayload } from 'jose';
import { Repository } from 'typeorm';
import { DbService } from '../database/db.service.js';
import { peekHeaderIds } from './jwt-peek.js';
import { TokenInvalidError } from './jwt.service.js';
import { SECRET_BOX } from './keys.tokens.js';
import type { SecretBox } from './secret-box.js';
import { randomId } from './random.js';
import { isCanonicalCompact } from './token-spelling.js';
import { UserinfoKeyEntity } from './userinfo-key.entity.js';

interface LoadedKey {
  kid: string;
  /** Imported once: given a secret KeyObject, jose would import it into WebCrypto again per token. */
  key: webcrypto.CryptoKey;
}

/**
 * The opaque access token Auth0 issues when the only audience is `/userinfo`: a compact JWE
 * (`dir` + `A256GCM`) under a per-tenant key that only this server holds, so nobody else can read or
 * mint one. The key is created on first use and kept sealed at rest.
 */
@Injectable()
export class UserinfoTokenService {
  private readonly keys = new Map<string, Promise<LoadedKey>>();
  /** The same keys once loaded, for a decrypt that need not wait for one. */
  private readonly loaded = new Map<string, LoadedKey>();

  constructor(
    @InjectRepository(UserinfoKeyEntity) private readonly repo: Repository<UserinfoKeyEntity>,
    private readonly db: DbService,
    @Inject(SECRET_BOX) private readonly box: SecretBox,
  ) {}

  async encrypt(tenantId: string, claims: JWTPayload): Promise<string> {
    const { kid, key } = await this.keyFor(tenantId);
    return new EncryptJWT(claims).setProtectedHeader({ alg: 'dir', enc: 'A256GCM', kid }).encrypt(key);
  }

  /** The claims of a token this tenant encrypted, checked for issuer, audience and expiry. */
  async decrypt(tenantId: string, token: string, opts: { issuer: string; audience: string }): Promise<JWTPayload> {
    if (token.length > 8192) {
      throw new TokenInvalidError('Token too large');
    }
    if (!isCanonicalCompact(token, 5)) {
      throw new TokenInvalidError('Invalid token');
    }
    // A tenant that never issued an opaque token has no key, and a refused request must not create one.
    if (!this.keys.has(tenantId) && !(await this.repo.exists({ where: { tenantId } }))) {
      throw new TokenInvalidError('Invalid token');
    }
    const { kid, key } = this.loaded.get(tenantId) ?? (await this.keyFor(tenantId));
    if (peekHeaderIds(token)?.kid !== kid) {
      throw new TokenInvalidError('Invalid token');
    }
    try {
      const { payload } = await jwtDecrypt(token, key, {
        keyManagementAlgorithms: ['dir'],
        contentEncryptionAlgorithms: ['A256GCM'],
        issuer: opts.issuer,
        audience: opts.audience,
        requiredClaims: ['exp', 'sub'],
      });
      return payload;
    } catch (e) {
      if (e instanceof errors.JWTExpired) {
        throw new TokenInvalidError('Token expired', 'expired');
      }
      throw new TokenInvalidError('Invalid token');
    }
  }

  private keyFor(tenantId: string): Promise<LoadedKey> {
    let hit = this.keys.get(tenantId);
    if (!hit) {
      hit = this.loadOrCreate(tenantId);
      this.keys.set(tenantId, hit);
      hit.then(
        (loaded) => this.keys.get(tenantId) === hit && this.loaded.set(tenantId, loaded),
        () => this.keys.delete(tenantId),
      );
    }
    return hit;
  }

  private async loadOrCreate(tenantId: string): Promise<LoadedKey> {
    const existing = await this.repo.findOne({ where: { tenantId } });
    if (existing) {
      return this.open(existing);
    }
    const row = new UserinfoKeyEntity();
    row.kid = randomId();
    row.tenantId = tenantId;
    row.keySealed = this.box.seal(randomBytes(32).toString('base64url'), `userinfo_key:${row.kid}`);
    row.createdAt = new Date().toISOString();
    try {
      await this.db.write(async (em) => {
        if (!(await em.exists(UserinfoKeyEntity, { where: { tenantId } }))) {
          await em.insert(UserinfoKeyEntity, row);
        }
      });
    } catch {
      // Another process created the tenant's key first (unique tenant_id); use that one.
    }
    return this.open(await this.repo.findOneOrFail({ where: { tenantId } }));
  }

  private async open(row: UserinfoKeyEntity): Promise<LoadedKey> {
    const raw = Buffer.from(this.box.open(row.keySealed, `userinfo_key:${row.kid}`), 'base64url');
    return { kid: row.kid, key: await webcrypto.subtle.importKey('raw', raw, 'AES-GCM', false, ['encrypt', 'decrypt']) };
  }
}
