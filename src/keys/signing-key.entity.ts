import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

export type SigningKeyStatus = 'current' | 'next' | 'previous' | 'revoked';

@Entity('signing_keys')
@Index('signing_keys_one_current', ['tenantId'], { unique: true, where: "status = 'current'" })
export class SigningKeyEntity {
  @PrimaryColumn({ type: 'varchar', length: 64 })
  kid: string;

  @Column({ name: 'tenant_id', type: 'varchar', length: 64 })
  tenantId: string;

  @Column({ type: 'varchar', length: 16 })
  status: SigningKeyStatus;

  /** Public JWK (kty, n, e) as JSON. */
  @Column({ name: 'public_jwk', type: 'text' })
  publicJwk: string;

  /** PKCS#8 PEM sealed by SecretBox. */
  @Column({ name: 'private_key_sealed', type: 'text' })
  privateKeySealed: string;

  @Column({ name: 'created_at', type: 'varchar', length: 32 })
  createdAt: string;

  @Column({ name: 'current_since', type: 'varchar', length: 32, nullable: true })
  currentSince: string | null;

  @Column({ name: 'current_until', type: 'varchar', length: 32, nullable: true })
  currentUntil: string | null;

  @Column({ name: 'revoked_at', type: 'varchar', length: 32, nullable: true })
  revokedAt: string | null;
}
