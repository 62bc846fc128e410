import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/** One action in a trigger's ordered chain (`/api/v2/actions/triggers/{triggerId}/bindings`). */
@Entity('action_bindings')
@Index('action_bindings_tenant_trigger', ['tenantId', 'triggerId', 'position'])
export class ActionBindingEntity {
  @PrimaryColumn({ type: 'varchar', length: 64 })
  id: string;

  @Column({ name: 'tenant_id', type: 'varchar', length: 64 })
  tenantId: string;

  @Column({ name: 'trigger_id', type: 'varchar', length: 64 })
  triggerId: string;

  @Column({ type: 'integer' })
  position: number;

  @Column({ name: 'action_id', type: 'varchar', length: 64 })
  actionId: string;

  @Column({ name: 'display_name', type: 'varchar', length: 255 })
  displayName: string;

  @Column({ name: 'created_at', type: 'varchar', length: 32 })
  createdAt: string;

  @Column({ name: 'updated_at', type: 'varchar', length: 32 })
  updatedAt: string;
}
