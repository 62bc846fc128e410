import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/** An immutable snapshot of an action taken by a deploy; at most one per action is `deployed`. */
@Entity('action_versions')
@Index('action_versions_action_number', ['actionId', 'number'], { unique: true })
export class ActionVersionEntity {
  @PrimaryColumn({ type: 'varchar', length: 64 })
  id: string;

  @Column({ name: 'tenant_id', type: 'varchar', length: 64 })
  tenantId: string;

  @Column({ name: 'action_id', type: 'varchar', length: 64 })
  actionId: string;

  @Column({ type: 'integer' })
  number: number;

  @Column({ type: 'text' })
  code: string;

  @Column({ type: 'varchar', length: 16 })
  runtime: string;

  /** The action's sealed secrets as they were at deploy time (sealed to this version). */
  @Column({ name: 'secrets_sealed', type: 'text' })
  secretsSealed: string;

  @Column({ type: 'varchar', length: 16 })
  status: string;

  @Column({ type: 'simple-json' })
  errors: { id: string; msg: string }[];

  @Column({ type: 'boolean', default: false })
  deployed: boolean;

  @Column({ name: 'built_at', type: 'varchar', length: 32, nullable: true })
  builtAt: string | null;

  @Column({ name: 'created_at', type: 'varchar', length: 32 })
  createdAt: string;

  @Column({ name: 'updated_at', type: 'varchar', length: 32 })
  updatedAt: string;
}
