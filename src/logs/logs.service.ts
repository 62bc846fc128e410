import { Injectable, Logger, type BeforeApplicationShutdown } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { DbService } from '../database/db.service.js';
import { ManagementError } from '../errors/api-error.js';
import { SecretsService } from '../keys/secrets.service.js';
import { DEFAULT_PER_PAGE, parseListQuery, projectFields } from '../management/list-query.js';
import { auditWriteLag, setAuditQueueProbe } from '../metrics/metrics.js';
import type { TenantContext } from '../tenants/tenant-context.js';
import { LogEventEntity } from './log-event.entity.js';

export interface LogInput {
  tenantId: string;
  type: string;
  description: string;
  clientId?: string;
  clientName?: string;
  userId?: string;
  userName?: string;
  ip?: string;
  userAgent?: string;
  hostname?: string;
  audience?: string;
  scope?: string;
  /** Safe facts only: never secrets, tokens, passwords or request bodies. */
  details?: Record<string, unknown>;
}

/** Events are written in batches so logging never adds a database round trip to a token request. */
const FLUSH_MS = 200;
const FLUSH_AT = 200;
/** The fields `q` may search; each has an index (tenant_id, field, log_id) in the migrations. */
export const LOG_SEARCH_FIELDS = ['type', 'client_id', 'user_id', 'user_name', 'ip', 'audience'] as const;
const Q_FIELDS = new Set<string>(LOG_SEARCH_FIELDS);
/** Auth0 pages through at most the first 1,000 events by offset; checkpoint paging has no such limit. */
const MAX_OFFSET_RESULTS = 1000;

/** The columns of `log_events` in the order `record` lays out a row. */
const COLUMNS = [
  'log_id',
  'tenant_id',
  'date',
  'type',
  'description',
  'client_id',
  'client_name',
  'user_id',
  'user_name',
  'ip',
  'user_agent',
  'hostname',
  'audience',
  'scope',
  'details',
] as const;

/**
 * Lone UTF-16 surrogates become U+FFFD, as they did when values were bound as parameters, and so does NUL:
 * in a JSON batch PostgreSQL would refuse either and lose the whole batch. (String.prototype.toWellFormed,
 * ES2024.)
 */
function wellFormed(s: string): string {
  const formed = (s as string & { toWellFormed(): string }).toWellFormed();
  return formed.includes('\u0000') ? formed.replaceAll('\u0000', '\ufffd') : formed;
}

function field(value: string | undefined, max: number): string | null {
  return value == null ? null : wellFormed(value.slice(0, max));
}

@Injectable()
export class LogsService implements BeforeApplicationShutdown {
  private readonly logger = new Logger('Logs');
  /** Each buffered event is one row already serialized as a JSON array: one small string to keep alive. */
  private buffer: string[] = [];
  private timer?: NodeJS.Timeout;
  /** The write in progress, if any: a flush waits for it, so a read after a flush sees every event. */
  private writing: Promise<void> = Promise.resolve();
  private seq = 0;
  private insertSql?: string;

  constructor(
    @InjectRepository(LogEventEntity) private readonly repo: Repository<LogEventEntity>,
    private readonly db: DbService,
    private readonly secrets: SecretsService,
  ) {
    setAuditQueueProbe(() => this.buffer.length);
  }

  /** Buffers one event; it is in the database within FLUSH_MS, and before any read of the logs. */
  record(input: LogInput): void {
    const now = Date.now();
    this.seq = (this.seq + 1) % 10000;
    const row: (string | null)[] = [
      `${String(now).padStart(15, '0')}${String(this.seq).padStart(4, '0')}${this.secrets.newId()}`,
      input.tenantId,
      new Date(now).toISOString(),
      input.type,
      wellFormed(input.description.slice(0, 512)),
      field(input.clientId, 128),
      field(input.clientName, 255),
      field(input.userId, 255),
      field(input.userName, 255),
      field(input.ip, 64),
      field(input.userAgent, 512),
      field(input.hostname, 255),
      field(input.audience, 600),
      field(input.scope, 2048),
      input.details ? JSON.stringify(input.details) : '{}',
    ];
    this.buffer.push(JSON.stringify(row));
    if (this.buffer.length >= FLUSH_AT) {
      void this.flush();
    } else if (!this.timer) {
      this.timer = setTimeout(() => void this.flush(), FLUSH_MS);
      this.timer.unref();
    }
  }

  /** Writes what is buffered, after any write already under way; resolves when all of it is stored. */
  flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    const batch = this.buffer;
    this.buffer = [];
    if (batch.length > 0) {
      this.writing = this.writing.then(() => this.write(batch));
    }
    return this.writing;
  }

  /**
   * One INSERT for the whole batch, its rows passed as a single JSON parameter that the database unpacks
   * (SQLite's jsonb_each, PostgreSQL's json_array_elements): the ORM's insert builder took a tenth of the
   * token endpoint's CPU, and binding 15 parameters per row a few percent more than this (bench/RESULTS.md).
   */
  private async write(batch: string[]): Promise<void> {
    try {
      const json = `[${batch.join(',')}]`;
      await this.db.writeStatement(await this.insertStatement(), [json]);
      // Each row starts `["<15-digit milliseconds>`: the oldest event's age is the batch's write lag.
      auditWriteLag.observe((Date.now() - Number(batch[0].slice(2, 17))) / 1000);
    } catch (e) {
      this.logger.error(`could not write ${batch.length} log events: ${e instanceof Error ? e.message : String(e)}`);
    }
  }

  private async insertStatement(): Promise<string> {
    if (!this.insertSql) {
      const postgres = this.db.dataSource.options.type === 'postgres';
      const columns = COLUMNS.map((c) => `"${c}"`).join(', ');
      const values = COLUMNS.map((_, i) => (postgres ? `r->>${i}` : `value->>${i}`)).join(', ');
      this.insertSql = postgres
        ? `INSERT INTO "log_events" (${columns}) SELECT ${values} FROM json_array_elements($1::json) AS r`
        : `INSERT INTO "log_events" (${columns}) SELECT ${values} FROM ${await this.sqliteEach()}(?)`;
    }
    return this.insertSql;
  }

  /**
   * jsonb_each (SQLite 3.45+) hands each row to `->>` already parsed; json_each renders it back to text for
   * `->>` to parse again, which took about 40 % of the INSERT's time. Older SQLite builds get json_each.
   */
  private async sqliteEach(): Promise<string> {
    try {
      await this.db.dataSource.query(`SELECT 1 FROM jsonb_each('[]')`);
      return 'jsonb_each';
    } catch {
      return 'json_each';
    }
  }

  /** Before the database closes (TypeORM closes it in onApplicationShutdown). */
  async beforeApplicationShutdown(): Promise<void> {
    await this.flush();
  }

  /**
   * One page of the tenant's events, paged, filtered and sorted by the database (an index behind each
   * search field, `log_events_tenant_*`): never more than a page of rows is read. Offset paging stops at
   * Auth0's 1,000 results; checkpoint paging (`from`/`take`) goes on from any log_id.
   */
  async list(tenant: TenantContext, raw: Record<string, unknown>): Promise<unknown> {
    await this.flush();
    // Logs page by log_id (`from`) rather than by offset, so pull it out before the common parser.
    const { from, sort, q: search, ...rest } = raw;
    const q = parseListQuery(rest);
    if (from !== undefined && (typeof from !== 'string' || !/^[0-9a-f]{1,64}$/.test(from))) {
      throw ManagementError.badRequest("Query validation error: 'from' is not a valid log_id.", 'invalid_query_string');
    }
    if (sort !== undefined && sort !== 'date:1' && sort !== 'date:-1') {
      throw ManagementError.badRequest("Query validation error: 'sort' must be date:1 or date:-1.", 'invalid_query_string');
    }
    const filters = parseLogSearch(search);
    const qb = this.repo.createQueryBuilder('l').where('l.tenant_id = :tenantId', { tenantId: tenant.id });
    for (const [i, [field, value]] of filters.entries()) {
      qb.andWhere(`l.${field} = :v${i}`, { [`v${i}`]: value });
    }
    if (typeof from === 'string') {
      // Checkpoint paging: events after `from`, oldest first, `take` of them.
      qb.andWhere('l.log_id > :from', { from })
        .orderBy('l.log_id', 'ASC')
        .limit(q.take ?? DEFAULT_PER_PAGE);
      return (await qb.getMany()).map((e) => projectFields(toLogResponse(e), q));
    }
    const order = sort === 'date:1' ? 'ASC' : 'DESC';
    if (q.take !== undefined && !q.paged) {
      return (await qb.orderBy('l.log_id', order).limit(q.take).getMany()).map((e) => projectFields(toLogResponse(e), q));
    }
    const start = q.page * q.perPage;
    if (start + q.perPage > MAX_OFFSET_RESULTS) {
      throw ManagementError.badRequest(
        `Query validation error: you can only page through the first ${MAX_OFFSET_RESULTS} log events; use from/take (checkpoint paging) for more.`,
        'invalid_query_string',
      );
    }
    const total = q.includeTotals ? await qb.clone().getCount() : 0;
    const rows = await qb.orderBy('l.log_id', order).offset(start).limit(q.perPage).getMany();
    const logs = rows.map((e) => projectFields(toLogResponse(e), q));
    return q.includeTotals ? { length: logs.length, logs, start, limit: q.perPage, total } : logs;
  }

  async get(tenant: TenantContext, id: string): Promise<Record<string, unknown>> {
    await this.flush();
    const row = await this.repo.findOne({ where: { tenantId: tenant.id, logId: id } });
    if (!row) {
      throw ManagementError.notFound('Log event not found', 'not_found');
    }
    return toLogResponse(row);
  }
}

/** A small subset of Auth0's log search syntax: `field:value` or `field:"value"` terms joined by AND. */
export function parseLogSearch(q: unknown): [string, string][] {
  if (q === undefined || q === '') {
    return [];
  }
  if (typeof q !== 'string' || q.length > 1000) {
    throw ManagementError.badRequest("Query validation error: 'q' must be a search string.", 'invalid_query_string');
  }
  const out: [string, string][] = [];
  const term = /\s*([a-z_]+):(?:"([^"]*)"|([^\s"]+))\s*(?:AND\s+)?/gy;
  let m: RegExpExecArray | null;
  let consumed = 0;
  while ((m = term.exec(q)) !== null) {
    if (!Q_FIELDS.has(m[1])) {
      throw ManagementError.badRequest(`Query validation error: cannot search on '${m[1]}'.`, 'invalid_query_string');
    }
    out.push([m[1], m[2] ?? m[3]]);
    consumed = term.lastIndex;
  }
  if (consumed !== q.length) {
    throw ManagementError.badRequest("Query validation error: 'q' is not a supported search.", 'invalid_query_string');
  }
  return out;
}

export function toLogResponse(e: LogEventEntity): Record<string, unknown> {
  const out: Record<string, unknown> = { log_id: e.logId, date: e.date, type: e.type, description: e.description };
  const optional: [string, string | null][] = [
    ['client_id', e.clientId],
    ['client_name', e.clientName],
    ['user_id', e.userId],
    ['user_name', e.userName],
    ['ip', e.ip],
    ['user_agent', e.userAgent],
    ['hostname', e.hostname],
    ['audience', e.audience],
    ['scope', e.scope],
  ];
  for (const [k, v] of optional) {
    if (v !== null) {
      out[k] = v;
    }
  }
  out.details = JSON.parse(e.details) as unknown;
  return out;
}
