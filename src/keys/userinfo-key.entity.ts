import { Column, Entity, PrimaryColumn } from 'typeorm';

/** A tenant's symmetric key for its opaque (userinfo-only) access tokens. It never leaves the server. */
@Entity('userinfo_keys')
export class UserinfoKeyEntity {
  @PrimaryColumn({ type: 'varchar', length: 64 })
  kid: string;

  @Column({ name: 'tenant_id', type: 'varchar', length: 64, unique: true })
  tenantId: string;

  /** 32 random bytes (base64url) sealed by SecretBox. */
  @Column({ name: 'key_sealed', type: 'text' })
  keySealed: string;

  @Column({ name: 'created_at', type: 'varchar', length: 32 })
  createdAt: string;
}
