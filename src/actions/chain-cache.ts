import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { In, Repository } from 'typeorm';
import { CacheRegistry, versionedTable } from '../cache/cache-registry.js';
import type { TenantCache } from '../cache/tenant-cache.js';
import { SecretsService } from '../keys/secrets.service.js';
import { versionSecretsContext, type StoredSecret } from './action-secrets.js';
import { ActionBindingEntity } from './action-binding.entity.js';
import { ActionEntity } from './action.entity.js';
import { ActionVersionEntity } from './action-version.entity.js';
import { POST_LOGIN } from './triggers.js';

/** One bound action as a login runs it: its deployed version, secrets opened. */
export interface ChainLink {
  actionId: string;
  actionName: string;
  versionId: string;
  code: string;
  secrets: Record<string, string>;
}

/**
 * Each tenant's post-login chain, read from the database once and kept until an action, a deploy or a
 * binding of that tenant changes; through the CacheRegistry, other processes drop it too when they see
 * those tables move. A tenant without bindings costs one map lookup per login.
 */
@Injectable()
export class ChainCache {
  private readonly cache: TenantCache<ChainLink[]>;

  constructor(
    @InjectRepository(ActionBindingEntity) private readonly bindings: Repository<ActionBindingEntity>,
    @InjectRepository(ActionEntity) private readonly actions: Repository<ActionEntity>,
    @InjectRepository(ActionVersionEntity) private readonly versions: Repository<ActionVersionEntity>,
    private readonly secrets: SecretsService,
    caches: CacheRegistry,
  ) {
    // Deploys and rollbacks write the action's row, so these two tables cover every change.
    this.cache = caches.create('action chains', [versionedTable('actions'), versionedTable('action_bindings')], (tenantId) =>
      this.load(tenantId),
    );
  }

  async postLogin(tenantId: string): Promise<ChainLink[]> {
    return (await this.cache.get(tenantId, POST_LOGIN)) ?? [];
  }

  invalidate(tenantId: string): void {
    this.cache.invalidate(tenantId);
  }

  private async load(tenantId: string): Promise<ChainLink[]> {
    const bound = await this.bindings.find({ where: { tenantId, triggerId: POST_LOGIN }, order: { position: 'ASC' } });
    if (bound.length === 0) {
      return [];
    }
    const actions = await this.actions.find({ where: { tenantId, id: In(bound.map((b) => b.actionId)) } });
    const versionIds = actions.map((a) => a.deployedVersionId).filter((v): v is string => v !== null);
    const versions = versionIds.length ? await this.versions.find({ where: { tenantId, id: In(versionIds) } }) : [];
    const chain: ChainLink[] = [];
    for (const b of bound) {
      const action = actions.find((a) => a.id === b.actionId);
      const version = action && versions.find((v) => v.id === action.deployedVersionId);
      // Bound but never deployed: nothing runs, as in Auth0.
      if (action && version) {
        const secrets = JSON.parse(this.secrets.open(version.secretsSealed, versionSecretsContext(version))) as StoredSecret[];
        chain.push({
          actionId: action.id,
          actionName: action.name,
          versionId: version.id,
          code: version.code,
          secrets: Object.fromEntries(secrets.map((s) => [s.name, s.value])),
        });
      }
    }
    return chain;
  }
}
