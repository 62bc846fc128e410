import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { createHash, createPublicKey, type KeyObject } from 'node:crypto';
import type { JWK } from 'jose';
import { Repository, type EntityManager } from 'typeorm';
import { CacheRegistry, versionedTable } from '../cache/cache-registry.js';
import { SigningKeyEntity, type SigningKeyStatus } from './signing-key.entity.js';
import { generateRsaSigningKey, loadRsaPrivateKey, loadRsaPublicKey } from './key-material.js';
import { SECRET_BOX } from './keys.tokens.js';
import type { SecretBox } from './secret-box.js';
import { selfSignedCertificate, type SelfSignedCertificate } from './x509.js';

/** Validity of a signing key's self-signed certificate. */
const CERTIFICATE_YEARS = 10;

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
  /** The published JWKS per certificate common name (the host the tenant answers on), built on first use. */
  jwksJson: Map<string, string>;
}

/** Holds every tenant's signing keys in memory; the JWKS is rebuilt on each change, never per request. */
@Injectable()
export class SigningKeysService implements OnModuleInit {
  private readonly tenants = new Map<string, TenantKeys>();
  private readonly certificates = new Map<string, SelfSignedCertificate>();

  constructor(
    @InjectRepository(SigningKeyEntity) private readonly repo: Repository<SigningKeyEntity>,
    @Inject(SECRET_BOX) private readonly box: SecretBox,
    caches: CacheRegistry,
  ) {
    caches.register({
      name: 'signing keys',
      tables: [versionedTable('signing_keys')],
      drop: () => this.reloadAll(),
    });
  }

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

  /** A freshly generated, sealed `next` key row for `tenantId`; generate it before entering a write transaction. */
  async prepareNextKey(tenantId: string): Promise<SigningKeyEntity> {
    const fresh = await generateRsaSigningKey();
    return this.toEntity(tenantId, fresh.kid, fresh.publicJwk, fresh.privatePem, 'next', new Date().toISOString());
  }

  /**
   * Inside the caller's write transaction: `next` becomes `current`, `current` becomes `previous` (still
   * verifying until revoked), and `freshNext` is published as the new `next`. Returns the new current key.
   * Call `reloadTenant` after the commit.
   */
  async rotateIn(em: EntityManager, tenantId: string, freshNext: SigningKeyEntity): Promise<SigningKeyEntity> {
    const now = new Date().toISOString();
    const rows = await em.find(SigningKeyEntity, { where: { tenantId } });
    const current = rows.find((r) => r.status === 'current');
    const next = rows.find((r) => r.status === 'next');
    if (!current || !next) {
      throw new Error('Tenant has no current/next key pair');
    }
    current.status = 'previous';
    current.currentUntil = now;
    await em.save(SigningKeyEntity, current, { transaction: false, reload: false });
    next.status = 'current';
    next.currentSince = now;
    await em.save(SigningKeyEntity, next, { transaction: false, reload: false });
    freshNext.createdAt = now;
    await em.insert(SigningKeyEntity, freshNext);
    return next;
  }

  /**
   * Inside the caller's write transaction: revokes a non-current key, which leaves the JWKS and stops
   * verifying once `reloadTenant` runs after the commit. Revoking the `next` key publishes `spareNext` in
   * its place. Answers 'current' (and changes nothing) for the current key, undefined for an unknown kid.
   */
  async revokeIn(
    em: EntityManager,
    tenantId: string,
    kid: string,
    spareNext?: SigningKeyEntity,
  ): Promise<SigningKeyEntity | 'current' | undefined> {
    const row = await em.findOne(SigningKeyEntity, { where: { tenantId, kid } });
    if (!row) {
      return undefined;
    }
    if (row.status === 'current') {
      return 'current';
    }
    if (row.status !== 'revoked') {
      const wasNext = row.status === 'next';
      row.status = 'revoked';
      row.revokedAt = new Date().toISOString();
      await em.save(SigningKeyEntity, row, { transaction: false, reload: false });
      if (wasNext) {
        if (!spareNext) {
          throw new Error('Revoking the next key needs a spare next key');
        }
        spareNext.createdAt = row.revokedAt;
        await em.insert(SigningKeyEntity, spareNext);
      }
    }
    return row;
  }

  async findEntity(tenantId: string, kid: string): Promise<SigningKeyEntity | null> {
    return this.repo.findOne({ where: { tenantId, kid } });
  }

  /**
   * The key's self-signed certificate for `commonName` (Auth0's `cert`, `pkcs7`, fingerprints). Built
   * deterministically from the key, its kid and creation time, so it is the same on every start; cached.
   */
  certificateOf(row: SigningKeyEntity, commonName: string): SelfSignedCertificate {
    const cacheKey = `${row.kid}\u0000${commonName}`;
    let cert = this.certificates.get(cacheKey);
    if (!cert) {
      const live = this.tenants.get(row.tenantId)?.byKid.get(row.kid);
      const privateKey = live?.privateKey ?? loadRsaPrivateKey(this.box.open(row.privateKeySealed, `signing_key:${row.kid}`));
      const serial = createHash('sha256').update(row.kid).digest().subarray(0, 16);
      serial[0] &= 0x7f;
      const notBefore = new Date(row.createdAt);
      const notAfter = new Date(notBefore);
      notAfter.setUTCFullYear(notAfter.getUTCFullYear() + CERTIFICATE_YEARS);
      cert = selfSignedCertificate({ privateKey, publicKey: createPublicKey(privateKey), commonName, serial, notBefore, notAfter });
      this.certificates.set(cacheKey, cert);
    }
    return cert;
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

  /**
   * The tenant's JWKS as served at `issuer`: each key with its self-signed certificate (`x5c`) and the
   * certificate's SHA-1 thumbprint (`x5t`), as Auth0 publishes them for libraries that verify with the
   * certificate. Built once per key set and host; a rotation rebuilds it.
   */
  jwksJson(tenantId: string, issuer: string): string {
    const keys = this.tenants.get(tenantId);
    if (!keys) {
      return '{"keys":[]}';
    }
    const commonName = new URL(issuer).hostname;
    let json = keys.jwksJson.get(commonName);
    if (json === undefined) {
      const published = [...keys.byKid.values()].map((k) => {
        const cert = this.certificateOf(k.entity, commonName);
        return {
          kty: 'RSA',
          use: 'sig',
          n: k.publicJwk.n,
          e: k.publicJwk.e,
          kid: k.kid,
          x5t: Buffer.from(cert.thumbprint, 'hex').toString('base64url'),
          x5c: [cert.der.toString('base64')],
        };
      });
      json = JSON.stringify({ keys: published });
      if (keys.jwksJson.size > 100) {
        keys.jwksJson.clear();
      }
      keys.jwksJson.set(commonName, json);
    }
    return json;
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
    this.tenants.set(tenantId, { current, byKid, jwks, jwksJson: new Map() });
  }

  private toEntity(
    tenantId: string,
    kid: string,
    publicJwk: JWK,
    privatePem: string,
    status: SigningKeyStatus,
    now: string,
  ): SigningKeyEntity {
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
