import { Column, Entity, PrimaryColumn } from 'typeorm';

/** A tenant's customised e-mail template; a template never saved uses Tessera's defaults. */
@Entity('email_templates')
export class EmailTemplateEntity {
  @PrimaryColumn({ name: 'tenant_id', type: 'varchar', length: 64 })
  tenantId: string;

  @PrimaryColumn({ type: 'varchar', length: 32 })
  template: string;

  @Column({ type: 'text', nullable: true })
  body: string | null;

  @Column({ name: 'from_address', type: 'varchar', length: 320, nullable: true })
  from: string | null;

  @Column({ type: 'varchar', length: 1024, nullable: true })
  subject: string | null;

  @Column({ type: 'varchar', length: 16, nullable: true })
  syntax: string | null;

  @Column({ name: 'result_url', type: 'varchar', length: 2048, nullable: true })
  resultUrl: string | null;

  @Column({ name: 'url_lifetime_in_seconds', type: 'integer', nullable: true })
  urlLifetimeInSeconds: number | null;

  @Column({ name: 'include_email_in_redirect', type: 'boolean', default: false })
  includeEmailInRedirect: boolean;

  @Column({ type: 'boolean', default: false })
  enabled: boolean;

  @Column({ name: 'created_at', type: 'varchar', length: 32 })
  createdAt: string;

  @Column({ name: 'updated_at', type: 'varchar', length: 32 })
  updatedAt: string;
}
