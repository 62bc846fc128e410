import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { In, IsNull, type EntityManager } from 'typeorm';
import { DbService } from '../database/db.service.js';
import { rowMapper, type RowMapper } from '../database/row-mapper.js';
import { SecretsService } from '../keys/secrets.service.js';
import { LogsService } from '../logs/logs.service.js';
import { UsersService } from '../users/users.service.js';
import { FamilyStates } from './family-states.js';
import { RefreshTokenEntity } from './refresh-token.entity.js';
import { TokenFamilyEntity } from './token-family.entity.js';

/** Auth0's defaults for rotating refresh tokens: 30 days absolute, 15 days of inactivity. */
export const REFRESH_ABSOLUTE_LIFETIME = 30 * 24 * 3600;
export const REFRESH_IDLE_LIFETIME = 15 * 24 * 3600;
const SWEEP_EVERY = 200;

export interface NewFamily {
  tenantId: string;
  clientId: string;
  userId: string;
  audience: string | null;
  scope: string[];
  sessionId: string | null;
  authTime: number;
}

export type RotateResult = { kind: 'rotated'; family: TokenFamilyEntity; refreshToken: string } | { kind: 'invalid' };

const now = () => Math.floor(Date.now() / 1000);

function newFamilyRow(id: string, input: NewFamily): TokenFamilyEntity {
  const t = now();
  return Object.assign(new TokenFamilyEntity(), input, {
    id,
    expiresAt: t + REFRESH_ABSOLUTE_LIFETIME,
    createdAt: new Date(t * 1000).toISOString(),
    revokedAt: null,
    revokedReason: null,
  });
}

/** A refresh token (by hash, of a tenant) with its family's columns. */
const FIND_WITH_FAMILY = `SELECT rt.expires_at AS rt_expires_at, rt.used_at AS rt_used_at, rt.created_at AS rt_created_at, f.*
FROM refresh_tokens rt JOIN token_families f ON f.id = rt.family_id AND f.tenant_id = rt.tenant_id
WHERE rt.token_hash = ? AND rt.tenant_id = ?`;

/**
 * Rotation on SQLite, first half: uses the token up only if it is unused, unexpired and of a live family
 * (not revoked, not past its absolute lifetime). Parameters: used_at, hash, now, family id, now.
 */
const USE_TOKEN_SQLITE = `UPDATE refresh_tokens SET used_at = ?
WHERE token_hash = ? AND used_at IS NULL AND expires_at > ?
  AND EXISTS (SELECT 1 FROM token_families f WHERE f.id = ? AND f.revoked_at IS NULL AND f.expires_at > ?)`;

const INSERT_TOKEN_SQLITE =
  'INSERT INTO refresh_tokens (token_hash, family_id, tenant_id, expires_at, used_at, created_at) VALUES (?, ?, ?, ?, NULL, ?)';

const INSERT_FAMILY_SQLITE = `INSERT INTO token_families (id, tenant_id, client_id, user_id, audience, scope, session_id, auth_time, expires_at, created_at, revoked_at, revoked_reason)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, NULL)`;

/**
 * Rotation on PostgreSQL in one statement: the UPDATE uses the token up only if it is unused, unexpired
 * and of a live family, and the successor is inserted only from the row it returned. $1 used_at, $2 the
 * token's hash, $3 now, $4 family id, $5 successor's hash, $6 tenant, $7 its expiry, $8 created_at.
 */
const ROTATE_POSTGRES = `WITH used AS (
  UPDATE refresh_tokens SET used_at = $1::varchar
  WHERE token_hash = $2::varchar AND used_at IS NULL AND expires_at > $3::integer
    AND EXISTS (SELECT 1 FROM token_families f WHERE f.id = $4::varchar AND f.revoked_at IS NULL AND f.expires_at > $3::integer)
  RETURNING family_id
)
INSERT INTO refresh_tokens (token_hash, family_id, tenant_id, expires_at, used_at, created_at)
SELECT $5::varchar, family_id, $6::varchar, $7::integer, NULL, $8::varchar FROM used
RETURNING token_hash`;

/**
 * Token families and their rotating refresh tokens. Every use returns a new refresh token; presenting
 * an already used one revokes the whole family (OAuth 2.0 Security BCP §4.14.2).
 */
@Injectable()
export class RefreshTokensService implements OnModuleInit {
  private readonly logger = new Logger(RefreshTokensService.name);
  private issued = 0;
  private readonly postgres: boolean;
  private readonly familyOf: RowMapper<TokenFamilyEntity>;

  constructor(
    private readonly db: DbService,
    private readonly secrets: SecretsService,
    private readonly users: UsersService,
    private readonly logs: LogsService,
    private readonly states: FamilyStates,
  ) {
    this.postgres = db.dataSource.options.type === 'postgres';
    this.familyOf = rowMapper(db.dataSource, TokenFamilyEntity);
  }

  /** Whether createFamilyAfter() can be used (PostgreSQL: data-modifying WITH). */
  get singleStatementWrites(): boolean {
    return this.postgres;
  }

  onModuleInit(): void {
    this.users.onDelete(async (em, tenantId, userId) => {
      const ids = (await em.find(TokenFamilyEntity, { where: { tenantId, userId }, select: { id: true } })).map((f) => f.id);
      if (ids.length > 0) {
        await em.delete(RefreshTokenEntity, { familyId: In(ids) });
        await em.delete(TokenFamilyEntity, { id: In(ids) });
        this.states.forget(tenantId);
      }
    });
    // A password reset revokes every refresh token of the user.
    this.users.onCredentialsReset(async (em, tenantId, userId) => {
      await em.update(
        TokenFamilyEntity,
        { tenantId, userId, revokedAt: IsNull() },
        { revokedAt: new Date().toISOString(), revokedReason: 'password_reset' },
      );
      this.states.forget(tenantId);
    });
  }

  newFamilyId(): string {
    return this.secrets.newId();
  }

  async createFamilyIn(em: EntityManager, id: string, input: NewFamily): Promise<TokenFamilyEntity> {
    const f = newFamilyRow(id, input);
    if (this.db.statements) {
      await this.db.statements.run(INSERT_FAMILY_SQLITE, [
        f.id,
        f.tenantId,
        f.clientId,
        f.userId,
        f.audience,
        JSON.stringify(f.scope),
        f.sessionId,
        f.authTime,
        f.expiresAt,
        f.createdAt,
      ]);
    } else {
      await em.insert(TokenFamilyEntity, f);
    }
    return f;
  }

  /**
   * PostgreSQL only: `consume`, a conditional `UPDATE ... RETURNING` of another table (an authorization code
   * used up) with parameters $1..$n, then, only when it matched a row, the new family and (`withToken`) its
   * first refresh token, all as one statement: one round trip, atomic. Undefined when `consume` matched nothing.
   */
  async createFamilyAfter(
    consume: { sql: string; params: unknown[] },
    id: string,
    input: NewFamily,
    withToken: boolean,
  ): Promise<{ family: TokenFamilyEntity; refreshToken?: string } | undefined> {
    const family = newFamilyRow(id, input);
    const n = consume.params.length;
    const p = (i: number, type: string) => `$${n + i}::${type}`;
    const params: unknown[] = [
      ...consume.params,
      family.id,
      family.tenantId,
      family.clientId,
      family.userId,
      family.audience,
      JSON.stringify(family.scope),
      family.sessionId,
      family.authTime,
      family.expiresAt,
      family.createdAt,
    ];
    let sql = `WITH consumed AS (${consume.sql}), family AS (
  INSERT INTO token_families (id, tenant_id, client_id, user_id, audience, scope, session_id, auth_time, expires_at, created_at, revoked_at, revoked_reason)
  SELECT ${p(1, 'varchar')}, ${p(2, 'varchar')}, ${p(3, 'varchar')}, ${p(4, 'varchar')}, ${p(5, 'varchar')}, ${p(6, 'text')}, ${p(7, 'varchar')}, ${p(8, 'integer')}, ${p(9, 'integer')}, ${p(10, 'varchar')}, NULL, NULL FROM consumed
  RETURNING id
)`;
    let first: { token: string; row: RefreshTokenEntity } | undefined;
    if (withToken) {
      first = this.newTokenRow(family);
      params.push(first.row.tokenHash, first.row.expiresAt);
      sql += `
INSERT INTO refresh_tokens (token_hash, family_id, tenant_id, expires_at, used_at, created_at)
SELECT ${p(11, 'varchar')}, id, ${p(2, 'varchar')}, ${p(12, 'integer')}, NULL, ${p(10, 'varchar')} FROM family
RETURNING family_id`;
    } else {
      sql += ' SELECT id FROM family';
    }
    const rows = (await this.db.writeStatement(sql, params)) as unknown[];
    if (rows.length !== 1) {
      return undefined;
    }
    if (first) {
      this.countIssued();
    }
    return { family, refreshToken: first?.token };
  }

  async createFamily(input: NewFamily): Promise<TokenFamilyEntity> {
    return this.db.write((em) => this.createFamilyIn(em, this.newFamilyId(), input));
  }

  /** A first refresh token for a family. */
  async issueFirstToken(family: TokenFamilyEntity): Promise<string> {
    return this.db.write((em) => this.issueTokenIn(em, family));
  }

  /**
   * Exchanges a refresh token for its successor. Unknown, expired, foreign or revoked tokens are
   * invalid; a token that was already exchanged is reuse, and revokes its family before answering.
   * `accept` sees the family before the token is used up and may refuse the request by throwing (a bad
   * `scope`), leaving the client a working token.
   *
   * Round trips: the token and its family in one read, then one transaction of a conditional UPDATE
   * (unused, unexpired, family live) and the successor's INSERT. The UPDATE alone decides who wins a race:
   * a loser (affected 0) re-reads inside the transaction and, when the token was used meanwhile, treats
   * itself as the reuse it is.
   */
  async rotate(tenantId: string, token: string, clientId: string, accept?: (family: TokenFamilyEntity) => void): Promise<RotateResult> {
    if (token.length > 512) {
      return { kind: 'invalid' };
    }
    const found = await this.findWithFamily(tenantId, this.secrets.hash(token));
    if (!found || found.family.clientId !== clientId || found.family.revokedAt !== null) {
      return { kind: 'invalid' };
    }
    const { row, family } = found;
    if (row.usedAt !== null) {
      await this.revoke(tenantId, family.id, 'refresh_token_reuse');
      this.logReuse(family);
      return { kind: 'invalid' };
    }
    const t = now();
    if (row.expiresAt <= t || family.expiresAt <= t) {
      return { kind: 'invalid' };
    }
    accept?.(family);
    const usedAt = new Date(t * 1000).toISOString();
    if (this.postgres) {
      // PostgreSQL: the consuming UPDATE and the successor's INSERT as one statement, one round trip.
      this.countIssued();
      const next = this.newTokenRow(family);
      const params = [usedAt, row.tokenHash, t, family.id, next.row.tokenHash, next.row.tenantId, next.row.expiresAt, next.row.createdAt];
      const inserted = (await this.db.writeStatement(ROTATE_POSTGRES, params)) as unknown[];
      return inserted.length === 1
        ? { kind: 'rotated', family, refreshToken: next.token }
        : this.db.write((em) => this.lostRotation(em, tenantId, row.tokenHash, family));
    }
    return this.db.write(async (em): Promise<RotateResult> => {
      // SQLite only: PostgreSQL rotates in the one statement above.
      const used = await this.db.sqliteStatements().run(USE_TOKEN_SQLITE, [usedAt, row.tokenHash, t, family.id, t]);
      if (used === 0) {
        return this.lostRotation(em, tenantId, row.tokenHash, family);
      }
      return { kind: 'rotated', family, refreshToken: await this.issueTokenIn(em, family) };
    });
  }

  /** The consuming UPDATE matched nothing: when the token was used meanwhile (by another process), this is a reuse. */
  private async lostRotation(em: EntityManager, tenantId: string, tokenHash: string, family: TokenFamilyEntity): Promise<RotateResult> {
    const latest = await em.findOne(RefreshTokenEntity, { where: { tokenHash }, select: { tokenHash: true, usedAt: true } });
    if (latest?.usedAt) {
      await this.revokeIn(em, tenantId, family.id, 'refresh_token_reuse');
      this.logReuse(family);
    }
    return { kind: 'invalid' };
  }

  /** A refresh token's row and its family, in one statement (a kept prepared statement on SQLite). */
  private async findWithFamily(
    tenantId: string,
    tokenHash: string,
  ): Promise<{ row: RefreshTokenEntity; family: TokenFamilyEntity } | undefined> {
    const [found] = await this.db.select<Record<string, unknown>>(FIND_WITH_FAMILY, [tokenHash, tenantId]);
    if (!found) {
      return undefined;
    }
    const family = this.familyOf(found);
    const row = Object.assign(new RefreshTokenEntity(), {
      tokenHash,
      familyId: family.id,
      tenantId,
      expiresAt: Number(found.rt_expires_at),
      usedAt: found.rt_used_at as string | null,
      createdAt: found.rt_created_at as string,
    });
    return { row, family };
  }

  /** Auth0's `ferrt` event: a rotated refresh token came back, so its whole family was revoked. */
  private logReuse(family: TokenFamilyEntity): void {
    this.logs.record({
      tenantId: family.tenantId,
      type: 'ferrt',
      description: 'Unsuccessful Refresh Token exchange, reused refresh token detected; the token family was revoked',
      clientId: family.clientId,
      userId: family.userId,
      audience: family.audience ?? undefined,
      details: { familyId: family.id },
    });
  }

  /** RFC 7009: revokes the family of a refresh token the client holds. */
  async revokeByToken(tenantId: string, token: string, clientId: string): Promise<'revoked' | 'unknown' | 'foreign'> {
    if (token.length > 512) {
      return 'unknown';
    }
    const result = await this.db.write(async (em): Promise<'unknown' | 'foreign' | string> => {
      const row = await em.findOne(RefreshTokenEntity, { where: { tokenHash: this.secrets.hash(token), tenantId } });
      const family = row ? await em.findOne(TokenFamilyEntity, { where: { id: row.familyId, tenantId } }) : null;
      if (!family) {
        return 'unknown';
      }
      if (family.clientId !== clientId) {
        return 'foreign';
      }
      await this.revokeIn(em, tenantId, family.id, 'revoked');
      return family.id;
    });
    if (result === 'unknown' || result === 'foreign') {
      return result;
    }
    this.states.forget(tenantId, result);
    return 'revoked';
  }

  async revokeIn(em: EntityManager, tenantId: string, familyId: string, reason: string): Promise<void> {
    await em.update(
      TokenFamilyEntity,
      { id: familyId, tenantId, revokedAt: IsNull() },
      { revokedAt: new Date().toISOString(), revokedReason: reason },
    );
    // In the caller's transaction; a read racing its commit is bounded by the cache check.
    this.states.forget(tenantId, familyId);
  }

  async revoke(tenantId: string, familyId: string, reason: string): Promise<void> {
    await this.db.write((em) => this.revokeIn(em, tenantId, familyId, reason));
    this.states.forget(tenantId, familyId);
  }

  /** Whether tokens of this family may still be used (opaque tokens carry their family id). */
  async isActive(tenantId: string, familyId: string): Promise<boolean> {
    return this.states.isActive(tenantId, familyId);
  }

  /** `isActive` from memory only; undefined when it would need a read. */
  cachedIsActive(tenantId: string, familyId: string): boolean | undefined {
    return this.states.cachedIsActive(tenantId, familyId);
  }

  /** A new refresh token of the family, inside the caller's transaction (a code redemption's first one). */
  async issueTokenIn(em: EntityManager, family: TokenFamilyEntity): Promise<string> {
    const { token, row } = this.newTokenRow(family);
    if (this.db.statements) {
      await this.db.statements.run(INSERT_TOKEN_SQLITE, [row.tokenHash, row.familyId, row.tenantId, row.expiresAt, row.createdAt]);
    } else {
      await em.insert(RefreshTokenEntity, row);
    }
    this.countIssued();
    return token;
  }

  /**
   * Every SWEEP_EVERY-th token issued, expired ones are deleted by a statement of its own, after and outside
   * the exchange: inside it, the exchange that drew the sweep held its connection (and on PostgreSQL went
   * through a transaction of several round trips instead of one statement), and a 50-connection load saw
   * 1 % of its refreshes wait 0.4 s.
   */
  private countIssued(): void {
    if (++this.issued % SWEEP_EVERY === 0) {
      this.db
        .writeStatement(
          this.postgres ? 'DELETE FROM refresh_tokens WHERE expires_at < $1' : 'DELETE FROM refresh_tokens WHERE expires_at < ?',
          [now()],
        )
        .catch((e: unknown) => this.logger.warn(`refresh token sweep failed: ${e instanceof Error ? e.message : String(e)}`));
    }
  }

  private newTokenRow(family: TokenFamilyEntity): { token: string; row: RefreshTokenEntity } {
    const token = this.secrets.newSecret();
    const t = now();
    const row = Object.assign(new RefreshTokenEntity(), {
      tokenHash: this.secrets.hash(token),
      familyId: family.id,
      tenantId: family.tenantId,
      expiresAt: Math.min(family.expiresAt, t + REFRESH_IDLE_LIFETIME),
      usedAt: null,
      createdAt: new Date(t * 1000).toISOString(),
    });
    return { token, row };
  }
}
