import { dropReadOnlyEchoes } from '../common/read-only-fields.js';
import { Injectable, type OnModuleInit } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { In, Repository, type EntityManager } from 'typeorm';
import type { ClientEntity } from '../clients/client.entity.js';
import { ClientEntity as ClientRow } from '../clients/client.entity.js';
import { ClientsService } from '../clients/clients.service.js';
import { DbService } from '../database/db.service.js';
import { isUniqueViolation } from '../database/unique-violation.js';
import { ManagementError } from '../errors/api-error.js';
import { randomAlphanumeric } from '../keys/random.js';
import { pageOf, projectFields, type FieldsQuery, type ListQuery } from '../management/list-query.js';
import type { TenantContext } from '../tenants/tenant-context.js';
import { DATABASE_CONNECTION } from './database-connection.js';
import { databaseOptionsProblem, defaultDatabaseOptions, type DatabaseConnectionOptions } from './connection-options.js';
import { ConnectionEntity } from './connection.entity.js';
import type { ConnectionResponse, CreateConnectionDto, UpdateConnectionDto } from './dto/connection.dto.js';

type DeleteListener = (em: EntityManager, tenantId: string, connection: ConnectionEntity) => Promise<void>;

/** Why a client cannot use a connection by name: no such connection, or the client is not enabled on it. */
export type ConnectionUse = { connection: ConnectionEntity; options: DatabaseConnectionOptions } | { problem: 'unknown' | 'disabled' };

const notFound = () => ManagementError.notFound('The connection does not exist', 'inexistent_connection');
const conflict = () => ManagementError.conflict('A connection with the same name already exists', 'connection_conflict');

export function toConnectionResponse(e: ConnectionEntity): ConnectionResponse {
  return {
    id: e.id,
    name: e.name,
    ...(e.displayName !== null ? { display_name: e.displayName } : {}),
    strategy: e.strategy,
    options: e.options,
    enabled_clients: e.enabledClients,
    realms: e.realms,
    is_domain_connection: e.isDomainConnection,
    metadata: e.metadata,
  };
}

/**
 * The tenant's connections (Auth0's `/api/v2/connections`): where users live, which applications may
 * log in or sign up through each, and each one's password and sign-up rules.
 */
@Injectable()
export class ConnectionsService implements OnModuleInit {
  private readonly deleteListeners: DeleteListener[] = [];

  constructor(
    @InjectRepository(ConnectionEntity) private readonly repo: Repository<ConnectionEntity>,
    private readonly db: DbService,
    private readonly clients: ClientsService,
  ) {}

  onModuleInit(): void {
    // Auth0: an application created through the Management API is enabled on the tenant's connections.
    this.clients.onCreate(async (em, tenantId, clientId) => {
      for (const c of await em.find(ConnectionEntity, { where: { tenantId } })) {
        if (!c.enabledClients.includes(clientId)) {
          await em.update(
            ConnectionEntity,
            { id: c.id },
            { enabledClients: [...c.enabledClients, clientId], updatedAt: new Date().toISOString() },
          );
        }
      }
    });
    this.clients.onDelete(async (em, tenantId, clientId) => {
      for (const c of await em.find(ConnectionEntity, { where: { tenantId } })) {
        if (c.enabledClients.includes(clientId)) {
          await em.update(
            ConnectionEntity,
            { id: c.id },
            { enabledClients: c.enabledClients.filter((id) => id !== clientId), updatedAt: new Date().toISOString() },
          );
        }
      }
    });
  }

  async list(tenant: TenantContext, q: ListQuery): Promise<unknown> {
    let rows = await this.repo.find({ where: { tenantId: tenant.id }, order: { createdAt: 'ASC', id: 'ASC' } });
    const strategy = q.filters.strategy;
    if (strategy !== undefined) {
      const wanted = new Set((Array.isArray(strategy) ? strategy : [strategy]).flatMap((s) => String(s).split(',')));
      rows = rows.filter((r) => wanted.has(r.strategy));
    }
    if (typeof q.filters.name === 'string') {
      rows = rows.filter((r) => r.name === q.filters.name);
    }
    return pageOf(rows.map(toConnectionResponse), q, 'connections');
  }

  async get(tenant: TenantContext, id: string, q: FieldsQuery): Promise<Partial<ConnectionResponse>> {
    return projectFields(toConnectionResponse(await this.findOrFail(this.repo.manager, tenant.id, id)), q);
  }

  async create(tenant: TenantContext, dto: CreateConnectionDto): Promise<ConnectionResponse> {
    dropReadOnlyEchoes(dto, {});
    const options = { ...defaultDatabaseOptions(), ...(dto.options ?? {}) };
    assertOptions(options);
    const now = new Date().toISOString();
    const e: ConnectionEntity = Object.assign(new ConnectionEntity(), {
      id: newConnectionId(),
      tenantId: tenant.id,
      name: dto.name,
      displayName: dto.display_name ?? null,
      strategy: dto.strategy,
      options,
      enabledClients: unique(dto.enabled_clients ?? []),
      realms: dto.realms && dto.realms.length > 0 ? dto.realms : [dto.name],
      isDomainConnection: dto.is_domain_connection ?? false,
      metadata: assertMetadata(dto.metadata ?? {}),
      createdAt: now,
      updatedAt: now,
    } satisfies ConnectionEntity);
    await this.db
      .write(async (em) => {
        await assertClientsExist(em, tenant.id, e.enabledClients);
        if (await em.exists(ConnectionEntity, { where: { tenantId: tenant.id, name: e.name } })) {
          throw conflict();
        }
        await em.save(ConnectionEntity, e, { transaction: false, reload: false });
      })
      .catch((err: unknown) => {
        throw isUniqueViolation(err) ? conflict() : err;
      });
    return toConnectionResponse(e);
  }

  async update(tenant: TenantContext, id: string, dto: UpdateConnectionDto): Promise<ConnectionResponse> {
    if (dto.options !== undefined) {
      assertOptions(dto.options);
    }
    const saved = await this.db.write(async (em) => {
      const e = await this.findOrFail(em, tenant.id, id);
      dropReadOnlyEchoes(dto, { id: e.id, name: e.name, strategy: e.strategy });
      if (dto.display_name !== undefined) e.displayName = dto.display_name;
      if (dto.options !== undefined) e.options = dto.options;
      if (dto.enabled_clients !== undefined) {
        await assertClientsExist(em, tenant.id, dto.enabled_clients);
        e.enabledClients = unique(dto.enabled_clients);
      }
      if (dto.realms !== undefined) e.realms = dto.realms.length > 0 ? dto.realms : [e.name];
      if (dto.is_domain_connection !== undefined) e.isDomainConnection = dto.is_domain_connection;
      if (dto.metadata !== undefined) e.metadata = assertMetadata(dto.metadata);
      e.updatedAt = new Date().toISOString();
      await em.save(ConnectionEntity, e, { transaction: false, reload: false });
      return e;
    });
    return toConnectionResponse(saved);
  }

  async enabledClients(tenant: TenantContext, id: string, q: ListQuery): Promise<{ clients: { client_id: string }[]; next?: string }> {
    const e = await this.findOrFail(this.repo.manager, tenant.id, id);
    const start = q.from ?? 0;
    const take = q.take ?? 50;
    const clients = e.enabledClients.slice(start, start + take).map((client_id) => ({ client_id }));
    return start + take < e.enabledClients.length ? { clients, next: String(start + take) } : { clients };
  }

  async changeEnabledClients(tenant: TenantContext, id: string, changes: { client_id: string; status: boolean }[]): Promise<void> {
    if (changes.length === 0 || changes.length > 50) {
      throw ManagementError.badRequest('Payload validation error: between 1 and 50 changes are accepted at once.');
    }
    await this.db.write(async (em) => {
      const e = await this.findOrFail(em, tenant.id, id);
      await assertClientsExist(
        em,
        tenant.id,
        changes.filter((c) => c.status).map((c) => c.client_id),
      );
      let enabled = [...e.enabledClients];
      for (const change of changes) {
        enabled = enabled.filter((c) => c !== change.client_id);
        if (change.status) {
          enabled.push(change.client_id);
        }
      }
      e.enabledClients = enabled;
      e.updatedAt = new Date().toISOString();
      await em.save(ConnectionEntity, e, { transaction: false, reload: false });
    });
  }

  /** Deletes the connection and, as Auth0 does, the users in it (with their sessions and tokens). */
  async delete(tenant: TenantContext, id: string): Promise<void> {
    await this.db.write(async (em) => {
      const e = await this.findOrFail(em, tenant.id, id);
      for (const listener of this.deleteListeners) {
        await listener(em, tenant.id, e);
      }
      await em.delete(ConnectionEntity, { id: e.id });
    });
  }

  onDelete(listener: DeleteListener): void {
    this.deleteListeners.push(listener);
  }

  /** A new tenant's database connection, `Username-Password-Authentication`, with Auth0's default options. */
  async createDefaultIn(em: EntityManager, tenantId: string, enabledClients: string[] = []): Promise<void> {
    const now = new Date().toISOString();
    const e: ConnectionEntity = Object.assign(new ConnectionEntity(), {
      id: newConnectionId(),
      tenantId,
      name: DATABASE_CONNECTION,
      displayName: null,
      strategy: 'auth0',
      options: defaultDatabaseOptions(),
      enabledClients,
      realms: [DATABASE_CONNECTION],
      isDomainConnection: false,
      metadata: {},
      createdAt: now,
      updatedAt: now,
    } satisfies ConnectionEntity);
    await em.save(ConnectionEntity, e, { transaction: false, reload: false });
  }

  /** The database connection of this name, or undefined. */
  async findByName(tenantId: string, name: string): Promise<ConnectionEntity | undefined> {
    if (name.length > 128) {
      return undefined;
    }
    return (await this.repo.findOne({ where: { tenantId, name } })) ?? undefined;
  }

  async findById(tenantId: string, id: string): Promise<ConnectionEntity | undefined> {
    return (await this.repo.findOne({ where: { tenantId, id } })) ?? undefined;
  }

  /**
   * Whether `client` may log in or sign up through the connection `name`. The tenant's Tessera Dashboard
   * client always may: the tenant's admins sign in to the dashboard through it.
   */
  async forClient(tenantId: string, name: string, client: ClientEntity): Promise<ConnectionUse> {
    const connection = await this.findByName(tenantId, name);
    if (!connection) {
      return { problem: 'unknown' };
    }
    if (!connection.enabledClients.includes(client.clientId) && client.systemRole !== 'dashboard') {
      return { problem: 'disabled' };
    }
    return { connection, options: connection.options as DatabaseConnectionOptions };
  }

  private async findOrFail(em: EntityManager, tenantId: string, id: string): Promise<ConnectionEntity> {
    const e = id.length <= 32 ? await em.findOne(ConnectionEntity, { where: { tenantId, id } }) : null;
    if (!e) {
      throw notFound();
    }
    return e;
  }
}

/** Auth0's ids: `con_` and 16 letters or digits. */
export function newConnectionId(): string {
  return `con_${randomAlphanumeric(16)}`;
}

function assertOptions(options: Record<string, unknown>): void {
  const problem = databaseOptionsProblem(options);
  if (problem) {
    throw ManagementError.badRequest(`Payload validation error: ${problem}`);
  }
}

/** Auth0: up to 10 string values of at most 255 characters. */
function assertMetadata(metadata: Record<string, unknown>): Record<string, string> {
  const entries = Object.entries(metadata);
  if (entries.length > 10 || entries.some(([k, v]) => typeof v !== 'string' || v.length > 255 || k.length > 255)) {
    throw ManagementError.badRequest('Payload validation error: metadata holds at most 10 string values of at most 255 characters');
  }
  return metadata as Record<string, string>;
}

async function assertClientsExist(em: EntityManager, tenantId: string, clientIds: string[]): Promise<void> {
  const ids = unique(clientIds);
  if (ids.length === 0) {
    return;
  }
  const found = new Set(
    (await em.find(ClientRow, { where: { tenantId, clientId: In(ids) }, select: { clientId: true } })).map((c) => c.clientId),
  );
  const missing = ids.find((id) => !found.has(id));
  if (missing !== undefined) {
    throw ManagementError.badRequest(
      `Payload validation error: enabled_clients names a client that does not exist: ${missing}`,
      'inexistent_client',
    );
  }
}

function unique(ids: string[]): string[] {
  return [...new Set(ids)];
}
