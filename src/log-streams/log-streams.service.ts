import { dropReadOnlyEchoes } from '../common/read-only-fields.js';
import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { DbService } from '../database/db.service.js';
import { ManagementError } from '../errors/api-error.js';
import { SecretsService } from '../keys/secrets.service.js';
import type { TenantContext } from '../tenants/tenant-context.js';
import type { CreateLogStreamDto, HttpCustomHeaderDto, LogStreamFilterDto, UpdateLogStreamDto } from './dto/log-stream.dto.js';
import { LogStreamEntity } from './log-stream.entity.js';

/** Streams per tenant: each costs a poll per interval and a connection to its sink. */
const MAX_STREAMS = 10;

export interface StoredSink {
  httpEndpoint: string;
  httpContentType: string;
  httpContentFormat: 'JSONLINES' | 'JSONARRAY' | 'JSONOBJECT';
  httpCustomHeaders?: { header: string; value: string }[];
}

/** A log_id prefix for a time: events at or after `ms` sort after it. */
export function cursorAt(ms: number): string {
  return String(Math.max(0, Math.floor(ms))).padStart(15, '0');
}

/** Headers a sink may not set: they belong to the HTTP framing or to httpAuthorization. */
const RESERVED_HEADERS = new Set(['authorization', 'content-type', 'content-length', 'host', 'transfer-encoding', 'connection']);

/** `/api/v2/log-streams`: Auth0's log streams of type `http` (the only sink Tessera delivers to). */
@Injectable()
export class LogStreamsService {
  constructor(
    @InjectRepository(LogStreamEntity) private readonly repo: Repository<LogStreamEntity>,
    private readonly db: DbService,
    private readonly secrets: SecretsService,
  ) {}

  async list(tenant: TenantContext): Promise<Record<string, unknown>[]> {
    const rows = await this.repo.find({ where: { tenantId: tenant.id }, order: { createdAt: 'ASC' } });
    return rows.map(toResponse);
  }

  async get(tenant: TenantContext, id: string): Promise<Record<string, unknown>> {
    return toResponse(await this.find(tenant, id));
  }

  async create(tenant: TenantContext, body: CreateLogStreamDto): Promise<Record<string, unknown>> {
    if (body.type !== 'http') {
      throw ManagementError.badRequest(
        `Log streams of type "${body.type}" are not supported; Tessera delivers to "http" sinks only`,
        'operation_not_supported',
      );
    }
    if (!body.sink) {
      throw ManagementError.badRequest("Payload validation error: 'Missing required property: sink'.");
    }
    refuseUnsupported(body);
    dropReadOnlyEchoes(body, { status: 'active' });
    const nowMs = Date.now();
    let from = nowMs;
    if (body.startFrom !== undefined) {
      from = Date.parse(body.startFrom);
      if (Number.isNaN(from) || !/^\d{4}-\d{2}-\d{2}T/.test(body.startFrom)) {
        throw ManagementError.badRequest("Payload validation error: 'startFrom' must be an ISO 8601 date-time.");
      }
    }
    const sink: StoredSink = {
      httpEndpoint: checkEndpoint(body.sink.httpEndpoint),
      httpContentType: body.sink.httpContentType || 'application/json',
      httpContentFormat: body.sink.httpContentFormat ?? 'JSONLINES',
      ...(body.sink.httpCustomHeaders ? { httpCustomHeaders: checkHeaders(body.sink.httpCustomHeaders) } : {}),
    };
    const now = new Date(nowMs).toISOString();
    const row: LogStreamEntity = Object.assign(new LogStreamEntity(), {
      id: `lst_${this.secrets.newId().slice(0, 16)}`,
      tenantId: tenant.id,
      name: body.name ?? 'HTTP log stream',
      status: 'active' as const,
      isPriority: body.isPriority ?? false,
      sink: JSON.stringify(sink),
      httpAuthorizationSealed: null as string | null,
      filters: JSON.stringify(filtersOf(body.filters)),
      cursor: cursorAt(from),
      failures: 0,
      lastError: null,
      retryAt: null,
      leaseOwner: null,
      leaseUntil: null,
      createdAt: now,
      updatedAt: now,
    });
    if (body.sink.httpAuthorization) {
      row.httpAuthorizationSealed = this.secrets.seal(body.sink.httpAuthorization, `log_stream:${row.id}`);
    }
    await this.db.write(async (em) => {
      if ((await em.count(LogStreamEntity, { where: { tenantId: tenant.id } })) >= MAX_STREAMS) {
        throw ManagementError.badRequest(`A tenant may have at most ${MAX_STREAMS} log streams`);
      }
      await em.insert(LogStreamEntity, row);
    });
    return toResponse(row);
  }

  async update(tenant: TenantContext, id: string, body: UpdateLogStreamDto): Promise<Record<string, unknown>> {
    refuseUnsupported(body);
    return this.db.write(async (em) => {
      const row = await em.findOne(LogStreamEntity, { where: { tenantId: tenant.id, id } });
      if (!row) {
        throw ManagementError.notFound('The log stream does not exist', 'not_found');
      }
      dropReadOnlyEchoes(body, { id: row.id, type: 'http' });
      if (body.name !== undefined) {
        row.name = body.name;
      }
      if (body.isPriority !== undefined) {
        row.isPriority = body.isPriority;
      }
      if (body.filters !== undefined) {
        row.filters = JSON.stringify(filtersOf(body.filters));
      }
      if (body.sink !== undefined) {
        const sink = JSON.parse(row.sink) as StoredSink;
        if (body.sink.httpEndpoint !== undefined) {
          sink.httpEndpoint = checkEndpoint(body.sink.httpEndpoint);
        }
        if (body.sink.httpContentType !== undefined) {
          sink.httpContentType = body.sink.httpContentType || 'application/json';
        }
        if (body.sink.httpContentFormat !== undefined) {
          sink.httpContentFormat = body.sink.httpContentFormat;
        }
        if (body.sink.httpCustomHeaders !== undefined) {
          sink.httpCustomHeaders = checkHeaders(body.sink.httpCustomHeaders);
        }
        if (body.sink.httpAuthorization !== undefined) {
          row.httpAuthorizationSealed = body.sink.httpAuthorization
            ? this.secrets.seal(body.sink.httpAuthorization, `log_stream:${row.id}`)
            : null;
        }
        row.sink = JSON.stringify(sink);
      }
      if (body.status !== undefined) {
        row.status = body.status;
        if (body.status === 'active') {
          // Resuming (after a pause or a suspension): try at once, with a fresh failure budget.
          row.failures = 0;
          row.retryAt = null;
          row.lastError = null;
        }
      }
      row.updatedAt = new Date().toISOString();
      await em.save(LogStreamEntity, row, { reload: false });
      return toResponse(row);
    });
  }

  async delete(tenant: TenantContext, id: string): Promise<void> {
    await this.db.write(async (em) => {
      const result = await em.delete(LogStreamEntity, { tenantId: tenant.id, id });
      if (!result.affected) {
        throw ManagementError.notFound('The log stream does not exist', 'not_found');
      }
    });
  }

  private async find(tenant: TenantContext, id: string): Promise<LogStreamEntity> {
    const row = await this.repo.findOne({ where: { tenantId: tenant.id, id } });
    if (!row) {
      throw ManagementError.notFound('The log stream does not exist', 'not_found');
    }
    return row;
  }
}

function refuseUnsupported(body: { pii_config?: unknown }): void {
  if (body.pii_config !== undefined) {
    throw ManagementError.badRequest(
      'pii_config is not supported: Tessera log streams deliver events as stored',
      'operation_not_supported',
    );
  }
}

/**
 * The sink URL: https, as Auth0 requires; plain http only to this machine (a local collector or agent).
 * No credentials in the URL (they would be returned by GET): httpAuthorization carries them, sealed.
 */
function checkEndpoint(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw ManagementError.badRequest("Payload validation error: 'sink.httpEndpoint' must be an absolute URL.");
  }
  const loopback = url.hostname === 'localhost' || url.hostname === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(url.hostname);
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && loopback)) {
    throw ManagementError.badRequest("Payload validation error: 'sink.httpEndpoint' must be an https URL (http only to localhost).");
  }
  if (url.username || url.password || url.hash) {
    throw ManagementError.badRequest(
      "Payload validation error: 'sink.httpEndpoint' must not hold credentials or a fragment; use httpAuthorization.",
    );
  }
  return url.href;
}

function checkHeaders(headers: HttpCustomHeaderDto[]): { header: string; value: string }[] {
  for (const h of headers) {
    if (RESERVED_HEADERS.has(h.header.toLowerCase())) {
      throw ManagementError.badRequest(`Payload validation error: 'sink.httpCustomHeaders' may not set ${h.header}.`);
    }
  }
  return headers.map((h) => ({ header: h.header, value: h.value }));
}

function filtersOf(filters: LogStreamFilterDto[] | undefined): { type: 'category'; name: string }[] {
  return (filters ?? []).map((f) => ({ type: 'category', name: f.name }));
}

/** Auth0's LogStreamHttpResponseSchema; httpAuthorization is write-only here (a secret is never returned). */
export function toResponse(row: LogStreamEntity): Record<string, unknown> {
  const sink = JSON.parse(row.sink) as StoredSink;
  const filters = JSON.parse(row.filters) as unknown[];
  return {
    id: row.id,
    name: row.name,
    type: 'http',
    status: row.status,
    isPriority: row.isPriority,
    ...(filters.length > 0 ? { filters } : {}),
    sink: {
      httpEndpoint: sink.httpEndpoint,
      httpContentType: sink.httpContentType,
      httpContentFormat: sink.httpContentFormat,
      ...(sink.httpCustomHeaders ? { httpCustomHeaders: sink.httpCustomHeaders } : {}),
    },
  };
}
