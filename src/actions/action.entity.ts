import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/** An action's draft: what the Management API edits. Only a deployed version (ActionVersionEntity) runs. */
@Entity('actions')
@Index('actions_tenant_name', ['tenantId', 'name'], { unique: true })
export class ActionEntity {
  @PrimaryColumn({ type: 'varchar', length: 64 })
  id: string;

  @Column({ name: 'tenant_id', type: 'varchar', length: 64 })
  tenantId: string;

  @Column({ type: 'varchar', length: 255 })
  name: string;

  /** `[{ id, version }]`, as Auth0 spells them. */
  @Column({ name: 'supported_triggers', type: 'simple-json' })
  supportedTriggers: { id: string; version: string }[];

  @Column({ type: 'text' })
  code: string;

  @Column({ type: 'varchar', length: 16 })
  runtime: string;

  /** Sealed JSON `[{ name, value, updated_at }]` (SecretBox, bound to the action); values never leave the server. */
  @Column({ name: 'secrets_sealed', type: 'text' })
  secretsSealed: string;

  /** Build status of the draft: `built` when it compiles, `failed` with `build_errors` otherwise. */
  @Column({ type: 'varchar', length: 16 })
  status: string;

  @Column({ name: 'build_errors', type: 'simple-json' })
  buildErrors: { id: string; msg: string }[];

  @Column({ name: 'deployed_version_id', type: 'varchar', length: 64, nullable: true })
  deployedVersionId: string | null;

  /** False once the draft changed after the last deploy. */
  @Column({ name: 'all_changes_deployed', type: 'boolean', default: false })
  allChangesDeployed: boolean;

  @Column({ name: 'built_at', type: 'varchar', length: 32, nullable: true })
  builtAt: string | null;

  @Column({ name: 'created_at', type: 'varchar', length: 32 })
  createdAt: string;

  @Column({ name: 'updated_at', type: 'varchar', length: 32 })
  updatedAt: string;
}
