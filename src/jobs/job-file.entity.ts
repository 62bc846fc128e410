import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * The bulky side of a job, apart from its row: the uploaded import file until the job ends (it may hold
 * password hashes, so it is deleted then), and the gzipped export (base64) for the download link.
 */
@Entity('job_files')
export class JobFileEntity {
  @PrimaryColumn({ name: 'job_id', type: 'varchar', length: 32 })
  jobId: string;

  @PrimaryColumn({ type: 'varchar', length: 16 })
  kind: 'input' | 'result';

  /** So that deleting a tenant deletes its files with its other rows. */
  @Column({ name: 'tenant_id', type: 'varchar', length: 64 })
  tenantId: string;

  @Column({ type: 'text' })
  body: string;
}
