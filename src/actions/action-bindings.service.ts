import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { DbService } from '../database/db.service.js';
import { ManagementError } from '../errors/api-error.js';
import { SecretsService } from '../keys/secrets.service.js';
import type { ListQuery } from '../management/list-query.js';
import type { TenantContext } from '../tenants/tenant-context.js';
import { ActionBindingEntity } from './action-binding.entity.js';
import type { ActionEntity } from './action.entity.js';
import { ActionsService } from './actions.service.js';
import { ChainCache } from './chain-cache.js';
import type { BindingDto } from './dto/action.dto.js';
import { OTHER_AUTH0_TRIGGERS, POST_LOGIN } from './triggers.js';

/** A trigger's ordered chain: `GET` and `PATCH /api/v2/actions/triggers/{triggerId}/bindings`. */
@Injectable()
export class ActionBindingsService {
  constructor(
    @InjectRepository(ActionBindingEntity) private readonly repo: Repository<ActionBindingEntity>,
    private readonly db: DbService,
    private readonly secrets: SecretsService,
    private readonly actions: ActionsService,
    private readonly chains: ChainCache,
  ) {}

  async list(tenant: TenantContext, triggerId: string, q: ListQuery): Promise<unknown> {
    assertKnownTrigger(triggerId);
    const [rows, total] = await this.repo.findAndCount({
      where: { tenantId: tenant.id, triggerId },
      order: { position: 'ASC' },
      skip: q.page * q.perPage,
      take: q.perPage,
    });
    return { bindings: await this.toResponses(tenant, rows), total, page: q.page, per_page: q.perPage };
  }

  /** Replaces the whole ordered list; every reference must name a deployed post-login action of the tenant. */
  async replace(tenant: TenantContext, triggerId: string, given: BindingDto[]): Promise<unknown> {
    assertKnownTrigger(triggerId);
    if (triggerId !== POST_LOGIN) {
      // Setting another trigger's chain to empty changes nothing and is allowed (deploy tools send every trigger).
      if (given.length === 0) {
        return { bindings: [] };
      }
      throw ManagementError.badRequest(`Tessera runs post-login actions only; bindings of '${triggerId}' cannot be written.`);
    }
    if (given.some((b) => b.secrets && b.secrets.length > 0)) {
      throw ManagementError.badRequest('Binding secrets are not supported; set secrets on the action.', 'operation_not_supported');
    }
    const saved = await this.db.write(async (em) => {
      const current = await em.find(ActionBindingEntity, { where: { tenantId: tenant.id, triggerId } });
      const byId = await this.actions.findManyIn(em, tenant.id, 'id', refs(given, 'action_id'));
      const byName = await this.actions.findManyIn(em, tenant.id, 'name', refs(given, 'action_name'));
      const now = new Date().toISOString();
      const rows = given.map((b, position) => {
        const action = this.resolve(b, current, byId, byName);
        if (!action.supportedTriggers.some((t) => t.id === triggerId)) {
          throw ManagementError.badRequest(`The action '${action.name}' does not support the trigger '${triggerId}'.`);
        }
        if (action.deployedVersionId === null) {
          throw ManagementError.badRequest(`The action '${action.name}' must be deployed before it can be bound.`);
        }
        const kept = current.find((c) => c.actionId === action.id);
        const row = new ActionBindingEntity();
        row.id = kept?.id ?? this.secrets.newId();
        row.tenantId = tenant.id;
        row.triggerId = triggerId;
        row.position = position;
        row.actionId = action.id;
        row.displayName = b.display_name ?? kept?.displayName ?? action.name;
        row.createdAt = kept?.createdAt ?? now;
        row.updatedAt = now;
        return row;
      });
      if (new Set(rows.map((r) => r.actionId)).size !== rows.length) {
        throw ManagementError.badRequest('An action can be bound to a trigger only once.');
      }
      await em.delete(ActionBindingEntity, { tenantId: tenant.id, triggerId });
      if (rows.length > 0) {
        await em.insert(ActionBindingEntity, rows);
      }
      return rows;
    });
    this.chains.invalidate(tenant.id);
    return { bindings: await this.toResponses(tenant, saved) };
  }

  private resolve(b: BindingDto, current: ActionBindingEntity[], byId: ActionEntity[], byName: ActionEntity[]): ActionEntity {
    const { type, value } = b.ref;
    let action: ActionEntity | undefined;
    if (type === 'action_id') {
      action = byId.find((a) => a.id === value);
    } else if (type === 'action_name') {
      action = byName.find((a) => a.name === value);
    } else {
      const binding = current.find((c) => c.id === value);
      action = binding && byId.find((a) => a.id === binding.actionId);
      if (binding && !action) {
        throw ManagementError.badRequest(`Refer to the action of binding '${value}' by action_id.`);
      }
    }
    if (!action) {
      throw ManagementError.notFound(`The action referenced by ${type} '${value}' does not exist.`);
    }
    return action;
  }

  private async toResponses(tenant: TenantContext, rows: ActionBindingEntity[]): Promise<unknown[]> {
    const out: unknown[] = [];
    for (const r of rows) {
      out.push({
        id: r.id,
        trigger_id: r.triggerId,
        display_name: r.displayName,
        action: await this.actions.get(tenant, r.actionId),
        created_at: r.createdAt,
        updated_at: r.updatedAt,
      });
    }
    return out;
  }
}

function refs(given: BindingDto[], type: string): string[] {
  return given.filter((b) => b.ref.type === type).map((b) => b.ref.value);
}

function assertKnownTrigger(triggerId: string): void {
  if (triggerId !== POST_LOGIN && !OTHER_AUTH0_TRIGGERS.has(triggerId)) {
    throw ManagementError.notFound(`The trigger '${triggerId}' does not exist.`);
  }
}
