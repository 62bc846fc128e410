import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/** One refresh token of a family, stored by hash. Used tokens stay so a reuse can be recognised. */
@Entity('refresh_tokens')
@Index('refresh_tokens_family', ['familyId'])
export class RefreshTokenEntity {
  @PrimaryColumn({ name: 'token_hash', type: 'varchar', length: 64 })
  tokenHash: string;

  @Column({ name: 'family_id', type: 'varchar', length: 64 })
  familyId: string;

  @Column({ name: 'tenant_id', type: 'varchar', length: 64 })
  tenantId: string;

  /** Epoch seconds: the inactivity limit of this token. */
  @Column({ name: 'expires_at', type: 'integer' })
  expiresAt: number;

  /** Set when the token was exchanged (rotated); presenting it again is reuse. */
  @Column({ name: 'used_at', type: 'varchar', length: 32, nullable: true })
  usedAt: string | null;

  @Column({ name: 'created_at', type: 'varchar', length: 32 })
  createdAt: string;
}
