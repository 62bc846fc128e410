import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * Everything one user authorization issued (a code redemption or a password grant): its refresh tokens
 * and opaque tokens. Revoking the family ends all of them at once (code replay, refresh token reuse,
 * RFC 7009 revocation).
 */
@Entity('token_families')
@Index('token_families_tenant_user', ['tenantId', 'userId'])
export class TokenFamilyEntity {
  @PrimaryColumn({ type: 'varchar', length: 64 })
  id: string;

  @Column({ name: 'tenant_id', type: 'varchar', length: 64 })
  tenantId: string;

  @Column({ name: 'client_id', type: 'varchar', length: 128 })
  clientId: string;

  @Column({ name: 'user_id', type: 'varchar', length: 255 })
  userId: string;

  /** API identifier, or null for a userinfo-only authorization. */
  @Column({ type: 'varchar', length: 600, nullable: true })
  audience: string | null;

  /** Scopes granted; refreshes may narrow them, never widen. */
  @Column({ type: 'simple-json' })
  scope: string[];

  @Column({ name: 'session_id', type: 'varchar', length: 64, nullable: true })
  sessionId: string | null;

  @Column({ name: 'auth_time', type: 'integer' })
  authTime: number;

  /** Epoch seconds: no refresh after this, however often the family rotates. */
  @Column({ name: 'expires_at', type: 'integer' })
  expiresAt: number;

  @Column({ name: 'created_at', type: 'varchar', length: 32 })
  createdAt: string;

  @Column({ name: 'revoked_at', type: 'varchar', length: 32, nullable: true })
  revokedAt: string | null;

  @Column({ name: 'revoked_reason', type: 'varchar', length: 32, nullable: true })
  revokedReason: string | null;
}
