import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { randomAlphanumeric } from '../keys/random.js';

/**
 * A Management API job (`/api/v2/jobs`): `verification_email` (account), `users_import` and
 * `users_export`. Import and export jobs keep their progress here, so another process resumes them.
 */
@Entity('jobs')
@Index('jobs_tenant', ['tenantId'])
@Index('jobs_status', ['status'])
export class JobEntity {
  @PrimaryColumn({ type: 'varchar', length: 32 })
  id: string;

  @Column({ name: 'tenant_id', type: 'varchar', length: 64 })
  tenantId: string;

  @Column({ type: 'varchar', length: 32 })
  type: string;

  /** `pending`, `processing` (import, export), then `completed` or `failed`. */
  @Column({ type: 'varchar', length: 16 })
  status: string;

  /** The user of a `verification_email` job. */
  @Column({ name: 'user_id', type: 'varchar', length: 255, nullable: true })
  userId: string | null;

  @Column({ name: 'client_id', type: 'varchar', length: 128, nullable: true })
  clientId: string | null;

  @Column({ name: 'status_details', type: 'varchar', length: 512, nullable: true })
  statusDetails: string | null;

  @Column({ name: 'connection_id', type: 'varchar', length: 64, nullable: true })
  connectionId: string | null;

  @Column({ name: 'external_id', type: 'varchar', length: 255, nullable: true })
  externalId: string | null;

  /** JSON: the request's options (`upsert`; `format`, `fields`, `limit`). */
  @Column({ type: 'text', nullable: true })
  params: string | null;

  /** JSON `{total, inserted, updated, failed}` of an import, updated with each batch. */
  @Column({ type: 'text', nullable: true })
  summary: string | null;

  /** Rows of the import file done (committed together with their users). */
  @Column({ type: 'integer', default: 0 })
  position: number;

  /** Times a process took the job up; a job that keeps dying is failed rather than retried forever. */
  @Column({ type: 'integer', default: 0 })
  attempts: number;

  /** An import's completion mail: `pending` until a process claims it (`claimed`); NULL when none is sent. */
  @Column({ name: 'completion_mail', type: 'varchar', length: 16, nullable: true })
  completionMail: 'pending' | 'claimed' | null;

  @Column({ name: 'lease_owner', type: 'varchar', length: 64, nullable: true })
  leaseOwner: string | null;

  @Column({ name: 'lease_until', type: 'varchar', length: 32, nullable: true })
  leaseUntil: string | null;

  @Column({ name: 'created_at', type: 'varchar', length: 32 })
  createdAt: string;

  @Column({ name: 'updated_at', type: 'varchar', length: 32 })
  updatedAt: string;
}

/** A new job row, `pending`; `fields` sets what its type uses. */
export function newJob(tenantId: string, type: string, fields: Partial<JobEntity>): JobEntity {
  const now = new Date().toISOString();
  return Object.assign(new JobEntity(), {
    id: `job_${randomAlphanumeric(16)}`,
    tenantId,
    type,
    status: 'pending',
    userId: null,
    clientId: null,
    statusDetails: null,
    connectionId: null,
    externalId: null,
    params: null,
    summary: null,
    position: 0,
    attempts: 0,
    completionMail: null,
    leaseOwner: null,
    leaseUntil: null,
    createdAt: now,
    updatedAt: now,
    ...fields,
  } satisfies JobEntity);
}
