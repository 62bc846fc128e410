import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/** A browser's login session at a tenant. The cookie holds a secret; only its hash is stored. */
@Entity('sessions')
@Index('sessions_tenant_user', ['tenantId', 'userId'])
export class SessionEntity {
  /** Public id, the ID token's `sid`. */
  @PrimaryColumn({ type: 'varchar', length: 64 })
  id: string;

  @Column({ name: 'token_hash', type: 'varchar', length: 64, unique: true })
  tokenHash: string;

  @Column({ name: 'tenant_id', type: 'varchar', length: 64 })
  tenantId: string;

  @Column({ name: 'user_id', type: 'varchar', length: 255 })
  userId: string;

  /** Epoch seconds of the password check, the ID token's `auth_time`. */
  @Column({ name: 'auth_time', type: 'integer' })
  authTime: number;

  /** Epoch seconds; the tenant's `session_lifetime` after login. */
  @Column({ name: 'expires_at', type: 'integer' })
  expiresAt: number;

  /** Epoch seconds; pushed forward by use, by the tenant's `idle_session_lifetime`. */
  @Column({ name: 'idle_expires_at', type: 'integer' })
  idleExpiresAt: number;

  @Column({ name: 'created_at', type: 'varchar', length: 32 })
  createdAt: string;

  @Column({ name: 'revoked_at', type: 'varchar', length: 32, nullable: true })
  revokedAt: string | null;
}
