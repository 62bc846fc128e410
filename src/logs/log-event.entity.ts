import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/** A tenant log event in Auth0's shape (`GET /api/v2/logs`). */
@Entity('log_events')
@Index('log_events_tenant_log', ['tenantId', 'logId'])
export class LogEventEntity {
  /** Sortable: zero-padded milliseconds then randomness, so log_id order is time order. */
  @PrimaryColumn({ name: 'log_id', type: 'varchar', length: 64 })
  logId: string;

  @Column({ name: 'tenant_id', type: 'varchar', length: 64 })
  tenantId: string;

  @Column({ type: 'varchar', length: 32 })
  date: string;

  /** Auth0 event code: s, f, seccft, feccft, sapi, fapi, ... */
  @Column({ type: 'varchar', length: 16 })
  type: string;

  @Column({ type: 'varchar', length: 512, default: '' })
  description: string;

  @Column({ name: 'client_id', type: 'varchar', length: 128, nullable: true })
  clientId: string | null;

  @Column({ name: 'client_name', type: 'varchar', length: 255, nullable: true })
  clientName: string | null;

  @Column({ name: 'user_id', type: 'varchar', length: 255, nullable: true })
  userId: string | null;

  @Column({ name: 'user_name', type: 'varchar', length: 255, nullable: true })
  userName: string | null;

  @Column({ type: 'varchar', length: 64, nullable: true })
  ip: string | null;

  @Column({ name: 'user_agent', type: 'varchar', length: 512, nullable: true })
  userAgent: string | null;

  @Column({ type: 'varchar', length: 255, nullable: true })
  hostname: string | null;

  @Column({ type: 'varchar', length: 600, nullable: true })
  audience: string | null;

  @Column({ type: 'varchar', length: 2048, nullable: true })
  scope: string | null;

  /** JSON; never holds secrets, tokens or request bodies. */
  @Column({ type: 'text', default: '{}' })
  details: string;
}
