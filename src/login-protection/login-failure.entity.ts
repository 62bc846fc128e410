import { Column, Entity, PrimaryColumn } from 'typeorm';

/** Consecutive failed logins for one identifier (e-mail) from one IP: Auth0's brute-force protection. */
@Entity('login_failures')
export class LoginFailureEntity {
  @PrimaryColumn({ name: 'tenant_id', type: 'varchar', length: 64 })
  tenantId: string;

  /** Lower-case e-mail the logins were attempted for. */
  @PrimaryColumn({ type: 'varchar', length: 320 })
  identifier: string;

  @PrimaryColumn({ type: 'varchar', length: 64 })
  ip: string;

  @Column({ type: 'varchar', length: 128 })
  connection: string;

  @Column({ type: 'integer', default: 0 })
  count: number;

  @Column({ name: 'blocked_at', type: 'varchar', length: 32, nullable: true })
  blockedAt: string | null;

  @Column({ name: 'updated_at', type: 'varchar', length: 32 })
  updatedAt: string;
}
