import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import type { KeyObject } from 'node:crypto';
import type { JWK } from 'jose';
import { DataSource, Repository } from 'typeorm';
import { SigningKeyEntity, type SigningKeyStatus } from './signing-key.entity.js';
import { generateRsaSigningKey, loadRsaPrivateKey, loadRsaPublicKey } from './key-material.js';
import { SECRET_BOX } from './keys.tokens.js';
import type { SecretBox } from './secret-box.js';

export interface LoadedSigningKey {
  kid: string;
  status: SigningKeyStatus;
  publicJwk: JWK;
  publicKey: KeyObject;
  /** Present for every non-revoked key; only `current` signs. */
  privateKey: KeyObject;
  entity: SigningKeyEntity;
}

interface TenantKeys {
  current: LoadedSigningKey;
  /** Keys that verify: current, next, previous (never revoked). */
  byKid: Map<string, LoadedSigningKey>;
  jwks: { keys: JWK[] };
  jwksJson: string;
}

/** Holds every tenant's signing keys in memory; the JWKS is rebuilt on each change, never per request. */
@Injectable()
export class SigningKeysService implements OnModuleInit {
  private readonly tenants = new Map<string, TenantKeys>();

  constructor(
    @InjectRepository(SigningKeyEntity) private readonly repo: Repository<SigningKeyEntity>,
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(SECRET_BOX) private readonly box: SecretBox,
  ) {}

  async onModuleInit(): Promise<void> {
    await this.reloadAll();
  }

  async reloadAll(): Promise<void> {
    const rows = await this.repo.find();
    const byTenant = new Map<string, SigningKeyEntity[]>();
    for (const row of rows) {
      byTenant.set(row.tenantId, [...(byTenant.get(row.tenantId) ?? []), row]);
    }
    this.tenants.clear();
    for (const [tenantId, list] of byTenant) {
      this.install(tenantId, list);
    }
  }

  /** Rows for a new tenant's current and pre-published next key; the caller inserts them in its transaction. */
  async prepareInitialKeys(tenantId: string): Promise<SigningKeyEntity[]> {
    const now = new Date().toISOString();
    const [current, next] = await Promise.all([generateRsaSigningKey(), generateRsaSigningKey()]);
    const rows = [
      this.toEntity(tenantId, current.kid, current.publicJwk, current.privatePem, 'current', now),
      this.toEntity(tenantId, next.kid, next.publicJwk, next.privatePem, 'next', now),
    ];
    rows[0].currentSince = now;
    return rows;
  }

  async reloadTenant(tenantId: string): Promise<void> {
    const rows = await this.repo.find({ where: { tenantId } });
    this.install(tenantId, rows);
  }

  /** `next` becomes `current`, `current` becomes `previous`, and a fresh `next` is published at once. */
  async rotate(tenantId: string): Promise<LoadedSigningKey> {
    const fresh = await generateRsaSigningKey();
    const now = new Date().toISOString();
    await this.dataSource.transaction(async (em) => {
      const rows = await em.find(SigningKeyEntity, { where: { tenantId } });
      const current = rows.find((r) => r.status === 'current');
      const next = rows.find((r) => r.status === 'next');
      if (!current || !next) {
        throw new Error('Tenant has no current/next key pair');
      }
      for (const r of rows.filter((r) => r.status === 'previous')) {
        r.status = 'revoked';
        r.revokedAt = now;
        await em.save(r);
      }
      current.status = 'previous';
      current.currentUntil = now;
      await em.save(current);
      next.status = 'current';
      next.currentSince = now;
      await em.save(next);
      await em.save(this.toEntity(tenantId, fresh.kid, fresh.publicJwk, fresh.privatePem, 'next', now));
    });
    await this.reloadTenant(tenantId);
    return this.current(tenantId);
  }

  /** Revokes a non-current key: it leaves the JWKS and stops verifying. Returns false for the current key. */
  async revoke(tenantId: string, kid: string): Promise<SigningKeyEntity | 'current' | undefined> {
    const row = await this.repo.findOne({ where: { tenantId, kid } });
    if (!row) {
      return undefined;
    }
    if (row.status === 'current') {
      return 'current';
    }
    if (row.status !== 'revoked') {
      row.status = 'revoked';
      row.revokedAt = new Date().toISOString();
      await this.repo.save(row);
      if (row.kid && (await this.repo.count({ where: { tenantId, status: 'next' } })) === 0) {
        const fresh = await generateRsaSigningKey();
        await this.repo.save(this.toEntity(tenantId, fresh.kid, fresh.publicJwk, fresh.privatePem, 'next', new Date().toISOString()));
      }
      await this.reloadTenant(tenantId);
    }
    return row;
  }

  async listEntities(tenantId: string): Promise<SigningKeyEntity[]> {
    return this.repo.find({ where: { tenantId }, order: { createdAt: 'ASC' } });
  }

  current(tenantId: string): LoadedSigningKey {
    const keys = this.tenants.get(tenantId);
    if (!keys) {
      throw new Error(`No signing keys for tenant ${tenantId}`);
    }
    return keys.current;
  }

  /** A non-revoked key of this tenant, for verification. */
  verificationKey(tenantId: string, kid: string): LoadedSigningKey | undefined {
    return this.tenants.get(tenantId)?.byKid.get(kid);
  }

  jwksJson(tenantId: string): string {
    return this.tenants.get(tenantId)?.jwksJson ?? '{"keys":[]}';
  }

  private install(tenantId: string, rows: SigningKeyEntity[]): void {
    const live = rows.filter((r) => r.status !== 'revoked');
    // Order: current first, then next, then previous, so verifiers that try keys in order hit the usual one first.
    const rank: Record<SigningKeyStatus, number> = { current: 0, next: 1, previous: 2, revoked: 3 };
    live.sort((a, b) => rank[a.status] - rank[b.status]);
    const byKid = new Map<string, LoadedSigningKey>();
    for (const row of live) {
      const publicJwk = JSON.parse(row.publicJwk) as JWK;
      byKid.set(row.kid, {
        kid: row.kid,
        status: row.status,
        publicJwk,
        publicKey: loadRsaPublicKey(publicJwk),
        privateKey: loadRsaPrivateKey(this.box.open(row.privateKeySealed, `signing_key:${row.kid}`)),
        entity: row,
      });
    }
    const current = [...byKid.values()].find((k) => k.status === 'current');
    if (!current) {
      this.tenants.delete(tenantId);
      return;
    }
    // No `alg` member: the same RSA key verifies RS256 and PS256 tokens (jose matches on kty).
    const jwks = { keys: [...byKid.values()].map((k) => ({ kty: 'RSA', use: 'sig', n: k.publicJwk.n, e: k.publicJwk.e, kid: k.kid })) };
    this.tenants.set(tenantId, { current, byKid, jwks, jwksJson: JSON.stringify(jwks) });
  }

  private toEntity(tenantId: string, kid: string, publicJwk: JWK, privatePem: string, status: SigningKeyStatus, now: string): SigningKeyEntity {
    const e = new SigningKeyEntity();
    e.kid = kid;
    e.tenantId = tenantId;
    e.status = status;
    e.publicJwk = JSON.stringify({ kty: publicJwk.kty, n: publicJwk.n, e: publicJwk.e });
    e.privateKeySealed = this.box.seal(privatePem, `signing_key:${kid}`);
    e.createdAt = now;
    e.currentSince = null;
    e.currentUntil = null;
    e.revokedAt = null;
    return e;
  }
}
