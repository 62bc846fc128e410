import { Injectable, type OnModuleInit } from '@nestjs/common';
import { LessThan, type EntityManager } from 'typeorm';
import { DbService } from '../database/db.service.js';
import { rowMapper, type RowMapper } from '../database/row-mapper.js';
import { SecretsService } from '../keys/secrets.service.js';
import { UsersService } from '../users/users.service.js';
import { AuthorizationCodeEntity } from './authorization-code.entity.js';

/** RFC 6749 §4.1.2 recommends at most 10 minutes. */
export const CODE_LIFETIME_SECONDS = 600;
/** Used codes are kept this long past expiry, so a late replay is still recognised (and punished). */
const KEEP_AFTER_EXPIRY = 24 * 3600;
const SWEEP_EVERY = 200;

const FIND_CODE = 'SELECT * FROM authorization_codes WHERE code_hash = ? AND tenant_id = ?';
/** Consumes an unused code (SQLite, in the caller's transaction): redeemed_at, family id, the code's hash. */
const REDEEM_SQLITE = 'UPDATE authorization_codes SET redeemed_at = ?, family_id = ? WHERE code_hash = ? AND redeemed_at IS NULL';

export interface NewAuthorizationCode {
  tenantId: string;
  clientId: string;
  userId: string;
  sessionId: string | null;
  redirectUri: string | null;
  scope: string[];
  audience: string | null;
  nonce: string | null;
  codeChallenge: string | null;
  codeChallengeMethod: string | null;
  authTime: number;
  actionResult: string | null;
}

@Injectable()
export class AuthorizationCodesService implements OnModuleInit {
  private issued = 0;
  private readonly codeOf: RowMapper<AuthorizationCodeEntity>;

  constructor(
    private readonly db: DbService,
    private readonly secrets: SecretsService,
    private readonly users: UsersService,
  ) {
    this.codeOf = rowMapper(db.dataSource, AuthorizationCodeEntity);
  }

  onModuleInit(): void {
    this.users.onDelete(async (em, tenantId, userId) => {
      await em.delete(AuthorizationCodeEntity, { tenantId, userId });
    });
  }

  async create(input: NewAuthorizationCode): Promise<string> {
    const code = this.secrets.newSecret();
    const now = Math.floor(Date.now() / 1000);
    const e = Object.assign(new AuthorizationCodeEntity(), input, {
      codeHash: this.secrets.hash(code),
      expiresAt: now + CODE_LIFETIME_SECONDS,
      redeemedAt: null,
      familyId: null,
      createdAt: new Date(now * 1000).toISOString(),
    });
    const sweep = ++this.issued % SWEEP_EVERY === 0;
    await this.db.write(async (em) => {
      await em.insert(AuthorizationCodeEntity, e);
      if (sweep) {
        await em.delete(AuthorizationCodeEntity, { expiresAt: LessThan(now - KEEP_AFTER_EXPIRY) });
      }
    });
    return code;
  }

  /** The code row for redemption: one kept statement on SQLite, outside any transaction. */
  async find(tenantId: string, code: string): Promise<AuthorizationCodeEntity | null> {
    if (code.length > 512) {
      return null;
    }
    const [row] = await this.db.select<Record<string, unknown>>(FIND_CODE, [this.secrets.hash(code), tenantId]);
    return row ? this.codeOf(row) : null;
  }

  /** The code row for redemption, read inside the caller's transaction. */
  async findIn(em: EntityManager, tenantId: string, code: string): Promise<AuthorizationCodeEntity | null> {
    if (code.length > 512) {
      return null;
    }
    return em.findOne(AuthorizationCodeEntity, { where: { codeHash: this.secrets.hash(code), tenantId } });
  }

  /**
   * The statement that consumes the code, for a caller that runs it inside a larger one (PostgreSQL's
   * `WITH`): $1 redeemed_at, $2 family id, $3 the code's hash; it returns a row only for an unused code.
   */
  consumeStatement(row: AuthorizationCodeEntity, familyId: string): { sql: string; params: unknown[]; redeemedAt: string } {
    const redeemedAt = new Date().toISOString();
    return {
      sql: 'UPDATE authorization_codes SET redeemed_at = $1::varchar, family_id = $2::varchar WHERE code_hash = $3::varchar AND redeemed_at IS NULL RETURNING code_hash',
      params: [redeemedAt, familyId, row.codeHash],
      redeemedAt,
    };
  }

  /**
   * Consumes the code. The update only matches an unused code, so when another process redeemed it
   * between the read and this write, this returns false and the caller treats it as a replay.
   */
  async markRedeemedIn(row: AuthorizationCodeEntity, familyId: string): Promise<boolean> {
    const redeemedAt = new Date().toISOString();
    // SQLite only (PostgreSQL redeems through consumeStatement), in the caller's transaction on the one connection.
    if ((await this.db.sqliteStatements().run(REDEEM_SQLITE, [redeemedAt, familyId, row.codeHash])) === 0) {
      return false;
    }
    row.redeemedAt = redeemedAt;
    row.familyId = familyId;
    return true;
  }
}
