import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/** A Management API job (`/api/v2/jobs`); Tessera runs `verification_email` jobs. */
@Entity('jobs')
@Index('jobs_tenant', ['tenantId'])
export class JobEntity {
  @PrimaryColumn({ type: 'varchar', length: 32 })
  id: string;

  @Column({ name: 'tenant_id', type: 'varchar', length: 64 })
  tenantId: string;

  @Column({ type: 'varchar', length: 32 })
  type: string;

  /** `pending`, then `completed` once the mail was handed to the relay, or `failed`. */
  @Column({ type: 'varchar', length: 16 })
  status: string;

  @Column({ name: 'user_id', type: 'varchar', length: 255 })
  userId: string;

  @Column({ name: 'client_id', type: 'varchar', length: 128, nullable: true })
  clientId: string | null;

  @Column({ name: 'status_details', type: 'varchar', length: 512, nullable: true })
  statusDetails: string | null;

  @Column({ name: 'created_at', type: 'varchar', length: 32 })
  createdAt: string;

  @Column({ name: 'updated_at', type: 'varchar', length: 32 })
  updatedAt: string;
}
