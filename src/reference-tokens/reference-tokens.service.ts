import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { IsNull, LessThan, Repository } from 'typeorm';
import { DbService } from '../database/db.service.js';
import { SecretsService } from '../keys/secrets.service.js';
import { ReferenceTokenEntity, type ReferenceTokenKind } from './reference-token.entity.js';

export interface ActiveReferenceToken {
  kind: ReferenceTokenKind;
  clientId: string;
  audience: string;
  claims: Record<string, unknown>;
}

/** Expired rows are swept every this many inserts, so the table does not grow without bound. */
const SWEEP_EVERY = 500;

@Injectable()
export class ReferenceTokensService {
  private inserts = 0;

  constructor(
    @InjectRepository(ReferenceTokenEntity) private readonly repo: Repository<ReferenceTokenEntity>,
    private readonly db: DbService,
    private readonly secrets: SecretsService,
  ) {}

  /** A new random opaque token (256 bits), stored by hash with its claims. */
  async issueOpaque(tenantId: string, clientId: string, audience: string, claims: Record<string, unknown>): Promise<string> {
    const token = this.secrets.newSecret();
    await this.remember(tenantId, 'opaque', token, clientId, audience, claims);
    return token;
  }

  async remember(
    tenantId: string,
    kind: ReferenceTokenKind,
    token: string,
    clientId: string,
    audience: string,
    claims: Record<string, unknown>,
  ): Promise<void> {
    const e = new ReferenceTokenEntity();
    e.tokenHash = this.secrets.hash(token);
    e.tenantId = tenantId;
    e.kind = kind;
    e.clientId = clientId;
    e.audience = audience;
    e.claims = JSON.stringify(claims);
    e.expiresAt = Number(claims.exp);
    e.revokedAt = null;
    e.createdAt = new Date().toISOString();
    const sweep = ++this.inserts % SWEEP_EVERY === 0;
    await this.db.write(async (em) => {
      await em.insert(ReferenceTokenEntity, e);
      if (sweep) {
        await em.delete(ReferenceTokenEntity, { expiresAt: LessThan(Math.floor(Date.now() / 1000) - 60) });
      }
    });
  }

  /** The token's record when it is known to this tenant, unexpired and not revoked. */
  async findActive(tenantId: string, token: string): Promise<ActiveReferenceToken | undefined> {
    if (token.length > 4096) {
      return undefined;
    }
    const row = await this.repo.findOne({ where: { tokenHash: this.secrets.hash(token), tenantId } });
    if (!row || row.revokedAt || row.expiresAt <= Math.floor(Date.now() / 1000)) {
      return undefined;
    }
    return { kind: row.kind, clientId: row.clientId, audience: row.audience, claims: JSON.parse(row.claims) as Record<string, unknown> };
  }

  /** RFC 7009: revokes a token issued to `clientId`; unknown tokens or other clients' tokens are ignored. */
  async revoke(tenantId: string, token: string, clientId: string): Promise<boolean> {
    const tokenHash = this.secrets.hash(token);
    return this.db.write(async (em) => {
      const result = await em.update(
        ReferenceTokenEntity,
        { tokenHash, tenantId, clientId, revokedAt: IsNull() },
        { revokedAt: new Date().toISOString() },
      );
      return (result.affected ?? 0) > 0;
    });
  }
}
