import { Column, Entity, PrimaryColumn } from 'typeorm';

/** `opaque`: the token is a random reference; `encrypted`: a nested JWE only its API can open. */
export type ReferenceTokenKind = 'opaque' | 'encrypted';

/**
 * Access tokens the server must recognise without being able to read them itself: opaque reference tokens
 * and tokens encrypted to an API's own key. Only a SHA-256 of the token is stored.
 */
@Entity('reference_tokens')
export class ReferenceTokenEntity {
  @PrimaryColumn({ name: 'token_hash', type: 'varchar', length: 64 })
  tokenHash: string;

  @Column({ name: 'tenant_id', type: 'varchar', length: 64 })
  tenantId: string;

  @Column({ type: 'varchar', length: 16 })
  kind: ReferenceTokenKind;

  @Column({ name: 'client_id', type: 'varchar', length: 128 })
  clientId: string;

  @Column({ type: 'varchar', length: 600 })
  audience: string;

  /** The claims the token carries (as a JWT would), JSON. */
  @Column({ type: 'text' })
  claims: string;

  /** Seconds since the epoch. */
  @Column({ name: 'expires_at', type: 'integer' })
  expiresAt: number;

  @Column({ name: 'revoked_at', type: 'varchar', length: 32, nullable: true })
  revokedAt: string | null;

  @Column({ name: 'created_at', type: 'varchar', length: 32 })
  createdAt: string;
}
