import { Column, Entity, PrimaryColumn } from 'typeorm';

@Entity('tenant_domains')
export class TenantDomainEntity {
  /** Lower-case host, with the port when not the scheme's default (as in the Host header). */
  @PrimaryColumn({ type: 'varchar', length: 255 })
  domain: string;

  @Column({ name: 'tenant_id', type: 'varchar', length: 64 })
  tenantId: string;

  @Column({ name: 'created_at', type: 'varchar', length: 32 })
  createdAt: string;
}
