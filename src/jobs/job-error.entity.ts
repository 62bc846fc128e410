import { Column, Entity, PrimaryColumn } from 'typeorm';

/** One failed row of an import: `{user, errors}` as GET /api/v2/jobs/{id}/errors lists it (no hash in `user`). */
@Entity('job_errors')
export class JobErrorEntity {
  @PrimaryColumn({ name: 'job_id', type: 'varchar', length: 32 })
  jobId: string;

  @PrimaryColumn({ name: 'row_index', type: 'integer' })
  rowIndex: number;

  @Column({ name: 'tenant_id', type: 'varchar', length: 64 })
  tenantId: string;

  @Column({ type: 'text' })
  body: string;
}
