import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

export type LogStreamStatus = 'active' | 'paused' | 'suspended';

/** An Auth0 log stream of type `http`, with its delivery state. */
@Entity('log_streams')
@Index('log_streams_tenant', ['tenantId'])
export class LogStreamEntity {
  @PrimaryColumn({ type: 'varchar', length: 64 })
  id: string;

  @Column({ name: 'tenant_id', type: 'varchar', length: 64 })
  tenantId: string;

  @Column({ type: 'varchar', length: 255 })
  name: string;

  @Column({ type: 'varchar', length: 16 })
  status: LogStreamStatus;

  @Column({ name: 'is_priority', type: 'boolean', default: false })
  isPriority: boolean;

  /** JSON: httpEndpoint, httpContentType, httpContentFormat, httpCustomHeaders (no secret). */
  @Column({ type: 'text' })
  sink: string;

  /** The sink's Authorization header value, sealed with the encryption key; never returned. */
  @Column({ name: 'http_authorization_sealed', type: 'text', nullable: true })
  httpAuthorizationSealed: string | null;

  /** JSON array of `{ type: 'category', name }`; empty delivers every event. */
  @Column({ type: 'text', default: '[]' })
  filters: string;

  /** The log_id of the last event handed over (delivered or filtered out); delivery resumes after it. */
  @Column({ type: 'varchar', length: 64 })
  cursor: string;

  /** Consecutive failed delivery attempts; reset by a delivery or by setting the stream active again. */
  @Column({ type: 'integer', default: 0 })
  failures: number;

  @Column({ name: 'last_error', type: 'varchar', length: 512, nullable: true })
  lastError: string | null;

  /** ISO time before which no attempt is made (backoff after a failure). */
  @Column({ name: 'retry_at', type: 'varchar', length: 32, nullable: true })
  retryAt: string | null;

  /** The process delivering this stream, and until when it holds it: one deliverer across workers. */
  @Column({ name: 'lease_owner', type: 'varchar', length: 64, nullable: true })
  leaseOwner: string | null;

  @Column({ name: 'lease_until', type: 'varchar', length: 32, nullable: true })
  leaseUntil: string | null;

  @Column({ name: 'created_at', type: 'varchar', length: 32 })
  createdAt: string;

  @Column({ name: 'updated_at', type: 'varchar', length: 32 })
  updatedAt: string;
}
