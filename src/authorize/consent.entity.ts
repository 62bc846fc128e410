import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/** What a user agreed to share with a third-party client for one audience (`''` for none). */
@Entity('user_consents')
@Index('user_consents_unique', ['tenantId', 'userId', 'clientId', 'audience'], { unique: true })
export class ConsentEntity {
  @PrimaryColumn({ type: 'varchar', length: 64 })
  id: string;

  @Column({ name: 'tenant_id', type: 'varchar', length: 64 })
  tenantId: string;

  @Column({ name: 'user_id', type: 'varchar', length: 255 })
  userId: string;

  @Column({ name: 'client_id', type: 'varchar', length: 128 })
  clientId: string;

  @Column({ type: 'varchar', length: 600 })
  audience: string;

  @Column({ type: 'simple-json' })
  scopes: string[];

  @Column({ name: 'created_at', type: 'varchar', length: 32 })
  createdAt: string;

  @Column({ name: 'updated_at', type: 'varchar', length: 32 })
  updatedAt: string;
}
