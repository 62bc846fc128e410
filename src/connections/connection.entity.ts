import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/** A connection users live in. Tessera stores users itself, so only database connections (`auth0`) exist. */
@Entity('connections')
@Index('connections_tenant_name', ['tenantId', 'name'], { unique: true })
export class ConnectionEntity {
  @PrimaryColumn({ type: 'varchar', length: 32 })
  id: string;

  @Column({ name: 'tenant_id', type: 'varchar', length: 64 })
  tenantId: string;

  @Column({ type: 'varchar', length: 128 })
  name: string;

  @Column({ name: 'display_name', type: 'varchar', length: 128, nullable: true })
  displayName: string | null;

  @Column({ type: 'varchar', length: 32 })
  strategy: string;

  /** Auth0's `options`, kept as given (PATCH replaces them whole). */
  @Column({ type: 'simple-json' })
  options: Record<string, unknown>;

  @Column({ name: 'enabled_clients', type: 'simple-json' })
  enabledClients: string[];

  @Column({ type: 'simple-json' })
  realms: string[];

  @Column({ name: 'is_domain_connection', type: 'boolean', default: false })
  isDomainConnection: boolean;

  @Column({ type: 'simple-json' })
  metadata: Record<string, string>;

  @Column({ name: 'created_at', type: 'varchar', length: 32 })
  createdAt: string;

  @Column({ name: 'updated_at', type: 'varchar', length: 32 })
  updatedAt: string;
}
