import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

@Entity('client_grants')
@Index('client_grants_tenant_client_audience', ['tenantId', 'clientId', 'audience'], { unique: true })
export class ClientGrantEntity {
  @PrimaryColumn({ type: 'varchar', length: 64 })
  id: string;

  @Column({ name: 'tenant_id', type: 'varchar', length: 64 })
  tenantId: string;

  @Column({ name: 'client_id', type: 'varchar', length: 128 })
  clientId: string;

  @Column({ type: 'varchar', length: 600 })
  audience: string;

  @Column({ type: 'simple-json' })
  scope: string[];

  @Column({ name: 'created_at', type: 'varchar', length: 32 })
  createdAt: string;

  @Column({ name: 'updated_at', type: 'varchar', length: 32 })
  updatedAt: string;
}
