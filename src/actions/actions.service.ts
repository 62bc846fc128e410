import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { In, Repository, type EntityManager } from 'typeorm';
import { DbService } from '../database/db.service.js';
import { isUniqueViolation } from '../database/unique-violation.js';
import { ManagementError } from '../errors/api-error.js';
import { dropReadOnlyEchoes } from '../common/read-only-fields.js';
import { SecretsService } from '../keys/secrets.service.js';
import type { ListQuery } from '../management/list-query.js';
import type { TenantContext } from '../tenants/tenant-context.js';
import { draftSecretsContext, versionSecretsContext, type StoredSecret } from './action-secrets.js';
import { ActionBindingEntity } from './action-binding.entity.js';
import { ActionEntity } from './action.entity.js';
import { ActionVersionEntity } from './action-version.entity.js';
import { toActionResponse, toVersionResponse } from './action.mapper.js';
import { ChainCache } from './chain-cache.js';
import {
  DEFAULT_RUNTIME,
  type ActionResponse,
  type ActionSecretDto,
  type ActionSecretResponse,
  type ActionTriggerDto,
  type ActionVersionResponse,
  type CreateActionDto,
  type UpdateActionDto,
} from './dto/action.dto.js';
import { ActionSandbox } from './sandbox/action-sandbox.js';
import { OTHER_AUTH0_TRIGGERS, POST_LOGIN, POST_LOGIN_VERSION } from './triggers.js';

const notFound = () => ManagementError.notFound('The action does not exist.');
const versionNotFound = () => ManagementError.notFound('The action version does not exist.');

/**
 * The Management API's actions: drafts, deploys and versions. A deploy compiles the draft in the sandbox
 * (without running it) and snapshots code and secrets into a version; only the deployed version runs.
 */
@Injectable()
export class ActionsService {
  constructor(
    @InjectRepository(ActionEntity) private readonly repo: Repository<ActionEntity>,
    @InjectRepository(ActionVersionEntity) private readonly versions: Repository<ActionVersionEntity>,
    private readonly db: DbService,
    private readonly secrets: SecretsService,
    private readonly sandbox: ActionSandbox,
    private readonly chains: ChainCache,
  ) {}

  /** `{ actions, total, page, per_page }`, Auth0's only shape for this list. */
  async list(tenant: TenantContext, q: ListQuery): Promise<unknown> {
    const f = q.filters;
    let rows = await this.repo.find({ where: { tenantId: tenant.id }, order: { createdAt: 'ASC', id: 'ASC' } });
    if (typeof f.actionName === 'string') {
      rows = rows.filter((r) => r.name === f.actionName);
    }
    if (typeof f.triggerId === 'string') {
      rows = rows.filter((r) => r.supportedTriggers.some((t) => t.id === f.triggerId));
    }
    if (f.deployed === 'true' || f.deployed === 'false') {
      const wanted = f.deployed === 'true';
      rows = rows.filter((r) => (r.deployedVersionId !== null) === wanted);
    }
    if (f.installed === 'true') {
      // Tessera has no marketplace integrations.
      rows = [];
    }
    const start = q.page * q.perPage;
    const page = rows.slice(start, start + q.perPage);
    const deployed = await this.deployedVersionsOf(page);
    return {
      actions: page.map((r) => this.toResponse(r, deployed.get(r.id))),
      total: rows.length,
      page: q.page,
      per_page: q.perPage,
    };
  }

  async get(tenant: TenantContext, id: string): Promise<ActionResponse> {
    const row = await this.find(tenant.id, id);
    return this.toResponse(row, (await this.deployedVersionsOf([row])).get(row.id));
  }

  async create(tenant: TenantContext, dto: CreateActionDto): Promise<ActionResponse> {
    dropReadOnlyEchoes(dto, {});
    assertSupported(dto.supported_triggers, dto.dependencies, dto.modules);
    const now = new Date().toISOString();
    const e = new ActionEntity();
    e.id = this.secrets.newId();
    e.tenantId = tenant.id;
    e.name = dto.name;
    e.supportedTriggers = triggersOf(dto.supported_triggers);
    e.code = dto.code ?? '';
    e.runtime = dto.runtime ?? DEFAULT_RUNTIME;
    e.secretsSealed = this.sealDraft(e, mergeSecrets([], dto.secrets ?? [], now));
    e.deployedVersionId = null;
    e.allChangesDeployed = false;
    e.createdAt = now;
    e.updatedAt = now;
    this.build(e, now);
    await this.db
      .write(async (em) => {
        await em.insert(ActionEntity, e);
      })
      .catch((err: unknown) => {
        throw isUniqueViolation(err) ? ManagementError.conflict(`An action with the name '${dto.name}' already exists.`) : err;
      });
    if (dto.deploy) {
      await this.deploy(tenant, e.id);
      return this.get(tenant, e.id);
    }
    return this.toResponse(e, undefined);
  }

  async update(tenant: TenantContext, id: string, dto: UpdateActionDto): Promise<ActionResponse> {
    if (Object.keys(dto).length === 0) {
      throw ManagementError.badRequest("Payload validation error: 'Too few properties defined (0), minimum 1'.");
    }
    assertSupported(dto.supported_triggers ?? [], dto.dependencies, dto.modules);
    const saved = await this.db
      .write(async (em) => {
        const e = await em.findOne(ActionEntity, { where: { tenantId: tenant.id, id } });
        if (!e) {
          throw notFound();
        }
        dropReadOnlyEchoes(dto, { id: e.id });
        const now = new Date().toISOString();
        if (dto.name !== undefined) {
          e.name = dto.name;
        }
        if (dto.supported_triggers !== undefined) {
          if (e.supportedTriggers[0]?.id !== dto.supported_triggers[0].id && (await this.isBound(em, e))) {
            throw ManagementError.badRequest('The triggers of a bound action cannot change; unbind it first.');
          }
          e.supportedTriggers = triggersOf(dto.supported_triggers);
        }
        if (dto.code !== undefined) {
          e.code = dto.code;
        }
        if (dto.runtime !== undefined) {
          e.runtime = dto.runtime;
        }
        if (dto.secrets !== undefined) {
          e.secretsSealed = this.sealDraft(e, mergeSecrets(this.openDraft(e), dto.secrets, now));
        }
        // A draft change runs only after the next deploy.
        e.allChangesDeployed = false;
        e.updatedAt = now;
        this.build(e, now);
        await em.save(ActionEntity, e, { transaction: false, reload: false });
        return e;
      })
      .catch((err: unknown) => {
        throw isUniqueViolation(err) ? ManagementError.conflict(`An action with the name '${dto.name}' already exists.`) : err;
      });
    this.chains.invalidate(tenant.id);
    return this.toResponse(saved, (await this.deployedVersionsOf([saved])).get(saved.id));
  }

  /** Refused while bound, unless `force` (which unbinds it everywhere). */
  async delete(tenant: TenantContext, id: string, force: boolean): Promise<void> {
    const versionIds = await this.db.write(async (em) => {
      const e = await em.findOne(ActionEntity, { where: { tenantId: tenant.id, id } });
      if (!e) {
        throw notFound();
      }
      if (!force && (await this.isBound(em, e))) {
        throw ManagementError.badRequest('The action is bound to a trigger; unbind it first or delete with force=true.');
      }
      const versions = await em.find(ActionVersionEntity, { where: { tenantId: tenant.id, actionId: id }, select: { id: true } });
      await em.delete(ActionBindingEntity, { tenantId: tenant.id, actionId: id });
      await em.delete(ActionVersionEntity, { tenantId: tenant.id, actionId: id });
      await em.delete(ActionEntity, { tenantId: tenant.id, id });
      return versions.map((v) => v.id);
    });
    versionIds.forEach((v) => this.sandbox.evict(v));
    this.chains.invalidate(tenant.id);
  }

  /** Builds a version from the draft; it is deployed only if it compiles. */
  async deploy(tenant: TenantContext, id: string): Promise<ActionVersionResponse> {
    const { action, version } = await this.db.write(async (em) => {
      const e = await em.findOne(ActionEntity, { where: { tenantId: tenant.id, id } });
      if (!e) {
        throw notFound();
      }
      const now = new Date().toISOString();
      this.build(e, now);
      const last = await em.findOne(ActionVersionEntity, { where: { tenantId: tenant.id, actionId: id }, order: { number: 'DESC' } });
      const v = new ActionVersionEntity();
      v.id = this.secrets.newId();
      v.tenantId = tenant.id;
      v.actionId = id;
      v.number = (last?.number ?? 0) + 1;
      v.code = e.code;
      v.runtime = e.runtime;
      v.secretsSealed = this.secrets.seal(JSON.stringify(this.openDraft(e)), versionSecretsContext(v));
      v.status = e.status;
      v.errors = e.buildErrors;
      v.deployed = e.status === 'built';
      v.builtAt = v.deployed ? now : null;
      v.createdAt = now;
      v.updatedAt = now;
      if (v.deployed) {
        await em.update(ActionVersionEntity, { tenantId: tenant.id, actionId: id, deployed: true }, { deployed: false, updatedAt: now });
        e.deployedVersionId = v.id;
        e.allChangesDeployed = true;
      }
      await em.insert(ActionVersionEntity, v);
      e.updatedAt = now;
      await em.save(ActionEntity, e, { transaction: false, reload: false });
      return { action: e, version: v };
    });
    this.chains.invalidate(tenant.id);
    return toVersionResponse(version, action, this.versionSecrets(version));
  }

  async listVersions(tenant: TenantContext, actionId: string, q: ListQuery): Promise<unknown> {
    const action = await this.find(tenant.id, actionId);
    const [rows, total] = await this.versions.findAndCount({
      where: { tenantId: tenant.id, actionId },
      order: { number: 'DESC' },
      skip: q.page * q.perPage,
      take: q.perPage,
    });
    return { versions: rows.map((v) => toVersionResponse(v, action, this.versionSecrets(v))), total, page: q.page, per_page: q.perPage };
  }

  async getVersion(tenant: TenantContext, actionId: string, versionId: string): Promise<ActionVersionResponse> {
    const action = await this.find(tenant.id, actionId);
    const v = await this.versions.findOne({ where: { tenantId: tenant.id, actionId, id: versionId } });
    if (!v) {
      throw versionNotFound();
    }
    return toVersionResponse(v, action, this.versionSecrets(v));
  }

  /** Rolls back (or forward) to a built version of the action. */
  async deployVersion(tenant: TenantContext, actionId: string, versionId: string): Promise<ActionVersionResponse> {
    const { action, version } = await this.db.write(async (em) => {
      const e = await em.findOne(ActionEntity, { where: { tenantId: tenant.id, id: actionId } });
      const v = e && (await em.findOne(ActionVersionEntity, { where: { tenantId: tenant.id, actionId, id: versionId } }));
      if (!e) {
        throw notFound();
      }
      if (!v) {
        throw versionNotFound();
      }
      if (v.status !== 'built') {
        throw ManagementError.badRequest('Only a version that built can be deployed.');
      }
      const now = new Date().toISOString();
      await em.update(ActionVersionEntity, { tenantId: tenant.id, actionId, deployed: true }, { deployed: false, updatedAt: now });
      v.deployed = true;
      v.updatedAt = now;
      await em.save(ActionVersionEntity, v, { transaction: false, reload: false });
      e.deployedVersionId = v.id;
      e.allChangesDeployed = e.code === v.code;
      e.updatedAt = now;
      await em.save(ActionEntity, e, { transaction: false, reload: false });
      return { action: e, version: v };
    });
    this.chains.invalidate(tenant.id);
    return toVersionResponse(version, action, this.versionSecrets(version));
  }

  /** Finds actions by id or name, for the bindings writer (inside its transaction). */
  findManyIn(em: EntityManager, tenantId: string, by: 'id' | 'name', values: string[]): Promise<ActionEntity[]> {
    return em.find(ActionEntity, { where: { tenantId, [by]: In(values) } });
  }

  deployedVersionsOf(actions: ActionEntity[]): Promise<Map<string, ActionVersionResponse>> {
    return this.deployedVersionsWith(actions);
  }

  toResponse(e: ActionEntity, deployed: ActionVersionResponse | undefined): ActionResponse {
    return toActionResponse(e, this.openDraft(e).map(secretName), deployed);
  }

  private async deployedVersionsWith(actions: ActionEntity[]): Promise<Map<string, ActionVersionResponse>> {
    const ids = actions.map((a) => a.deployedVersionId).filter((v): v is string => v !== null);
    const out = new Map<string, ActionVersionResponse>();
    if (ids.length === 0) {
      return out;
    }
    const rows = await this.versions.find({ where: { id: In(ids) } });
    for (const v of rows) {
      const a = actions.find((x) => x.id === v.actionId);
      if (a && a.tenantId === v.tenantId) {
        out.set(a.id, toVersionResponse(v, a, this.versionSecrets(v)));
      }
    }
    return out;
  }

  private async find(tenantId: string, id: string): Promise<ActionEntity> {
    const row = await this.repo.findOne({ where: { tenantId, id } });
    if (!row) {
      throw notFound();
    }
    return row;
  }

  private isBound(em: EntityManager, e: ActionEntity): Promise<boolean> {
    return em.exists(ActionBindingEntity, { where: { tenantId: e.tenantId, actionId: e.id } });
  }

  /** Compiles the draft (without running it) and records the outcome as the action's build status. */
  private build(e: ActionEntity, now: string): void {
    e.buildErrors = this.sandbox.check(e.code);
    e.status = e.buildErrors.length === 0 ? 'built' : 'failed';
    e.builtAt = e.status === 'built' ? now : null;
  }

  private sealDraft(e: ActionEntity, secrets: StoredSecret[]): string {
    return this.secrets.seal(JSON.stringify(secrets), draftSecretsContext(e));
  }

  private openDraft(e: ActionEntity): StoredSecret[] {
    return JSON.parse(this.secrets.open(e.secretsSealed, draftSecretsContext(e))) as StoredSecret[];
  }

  /** A version's secrets, opened: for the runner only. */
  openVersionSecrets(v: ActionVersionEntity): StoredSecret[] {
    return JSON.parse(this.secrets.open(v.secretsSealed, versionSecretsContext(v))) as StoredSecret[];
  }

  private versionSecrets(v: ActionVersionEntity): ActionSecretResponse[] {
    return this.openVersionSecrets(v).map(secretName);
  }
}

const secretName = (s: StoredSecret): ActionSecretResponse => ({ name: s.name, updated_at: s.updated_at });

function triggersOf(triggers: ActionTriggerDto[]): { id: string; version: string }[] {
  return triggers.map((t) => ({ id: t.id, version: t.version ?? POST_LOGIN_VERSION }));
}

/** Only post-login v3 runs here, and npm dependencies (or Auth0's action modules) have no safe way in yet. */
function assertSupported(triggers: ActionTriggerDto[], dependencies: unknown[] | undefined, modules: unknown[] | undefined): void {
  for (const t of triggers) {
    if (t.id !== POST_LOGIN) {
      const known = OTHER_AUTH0_TRIGGERS.has(t.id) ? 'is not supported by Tessera' : 'is not a known trigger';
      throw ManagementError.badRequest(`Trigger '${t.id}' ${known}; Tessera runs post-login actions only.`);
    }
    if (t.version !== undefined && t.version !== POST_LOGIN_VERSION) {
      throw ManagementError.badRequest(`Trigger version '${t.version}' of post-login is not supported; use '${POST_LOGIN_VERSION}'.`);
    }
  }
  if (dependencies && dependencies.length > 0) {
    throw ManagementError.badRequest(
      'Action dependencies (npm packages) are not supported: Tessera runs actions in an isolate that cannot load modules.',
      'operation_not_supported',
    );
  }
  if (modules && modules.length > 0) {
    throw ManagementError.badRequest('Action modules are not supported by Tessera.', 'operation_not_supported');
  }
}

/**
 * The secret list after a write: the request's list replaces the stored one; an entry without a value
 * keeps the stored value of that name.
 */
function mergeSecrets(current: StoredSecret[], given: ActionSecretDto[], now: string): StoredSecret[] {
  const names = new Set<string>();
  return given.map((s) => {
    if (names.has(s.name)) {
      throw ManagementError.badRequest(`Payload validation error: secret '${s.name}' is given twice.`);
    }
    names.add(s.name);
    if (s.value === undefined) {
      const kept = current.find((c) => c.name === s.name);
      if (!kept) {
        throw ManagementError.badRequest(`Payload validation error: secret '${s.name}' needs a value.`);
      }
      return kept;
    }
    const same = current.find((c) => c.name === s.name && c.value === s.value);
    return same ?? { name: s.name, value: s.value, updated_at: now };
  });
}
