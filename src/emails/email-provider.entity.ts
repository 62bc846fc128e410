import { Column, Entity, PrimaryColumn } from 'typeorm';

/** The tenant's e-mail provider (Auth0's `/api/v2/emails/provider`): one per tenant, SMTP only. */
@Entity('email_providers')
export class EmailProviderEntity {
  @PrimaryColumn({ name: 'tenant_id', type: 'varchar', length: 64 })
  tenantId: string;

  @Column({ type: 'varchar', length: 32 })
  name: string;

  @Column({ type: 'boolean', default: true })
  enabled: boolean;

  @Column({ name: 'default_from_address', type: 'varchar', length: 320 })
  defaultFromAddress: string;

  /** `smtp_host`, `smtp_port`, `smtp_user`: never the password, which is only ever stored sealed. */
  @Column({ type: 'simple-json' })
  credentials: { smtp_host?: string; smtp_port?: number; smtp_user?: string };

  @Column({ name: 'smtp_pass_sealed', type: 'text', nullable: true })
  smtpPassSealed: string | null;

  @Column({ type: 'simple-json' })
  settings: Record<string, unknown>;

  @Column({ name: 'created_at', type: 'varchar', length: 32 })
  createdAt: string;

  @Column({ name: 'updated_at', type: 'varchar', length: 32 })
  updatedAt: string;
}
