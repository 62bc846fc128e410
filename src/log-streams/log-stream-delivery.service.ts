import { Inject, Injectable, Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { randomBytes } from 'node:crypto';
import { And, Brackets, LessThan, MoreThan, Repository } from 'typeorm';
import type { AppConfig } from '../config/app-config.js';
import { APP_CONFIG } from '../config/config.module.js';
import { DbService } from '../database/db.service.js';
import { SecretsService } from '../keys/secrets.service.js';
import { LogEventEntity } from '../logs/log-event.entity.js';
import { toLogResponse } from '../logs/logs.service.js';
import { logStreamDeliveries, logStreamEvents } from '../metrics/metrics.js';
import { categoryOf } from './log-stream-categories.js';
import { LogStreamEntity } from './log-stream.entity.js';
import { cursorAt, type StoredSink } from './log-streams.service.js';

/** Events per POST (JSONLINES, JSONARRAY); JSONOBJECT sends one event per POST. */
const BATCH = 100;
/** Batches a stream may send per poll before the others get their turn. */
const BATCHES_PER_POLL = 20;
/**
 * Only events older than this are read. Events are stored in batches up to 200 ms after they happen
 * (LogsService), and with several workers an older event can be committed after a newer one; reading
 * behind this window keeps the cursor from passing an event not yet stored.
 */
const SETTLE_MS = 1000;
const LEASE_MS = 30_000;
const POST_TIMEOUT_MS = 10_000;
const MAX_BACKOFF_MS = 60_000;

/**
 * Delivers each active log stream's events to its HTTP sink, oldest first, from the stream's cursor in
 * the database: the cursor moves only after the sink accepted a batch (2xx), so a clean restart resumes
 * exactly where delivery stopped and a crash resends at most the batch in flight. A failed POST is retried
 * at later polls with exponential backoff; after LOG_STREAM_MAX_FAILURES consecutive failures the stream is
 * `suspended` until an admin sets it `active` again. With several workers or instances a lease in the row
 * makes one process the deliverer of a stream at a time.
 */
@Injectable()
export class LogStreamDelivery implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('LogStreams');
  private readonly owner = `${process.pid}-${randomBytes(6).toString('hex')}`;
  private timer?: NodeJS.Timeout;
  private polling?: Promise<void>;
  private stopped = false;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @InjectRepository(LogStreamEntity) private readonly streams: Repository<LogStreamEntity>,
    @InjectRepository(LogEventEntity) private readonly events: Repository<LogEventEntity>,
    private readonly db: DbService,
    private readonly secrets: SecretsService,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => {
      if (!this.polling) {
        this.polling = this.poll().finally(() => (this.polling = undefined));
      }
    }, this.config.logStreamPollMs);
    this.timer.unref();
  }

  /** Lets the batch in flight finish and store its cursor, then hands the leases back (before the database closes). */
  async beforeApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    await this.polling;
    await this.db
      .write((em) => em.update(LogStreamEntity, { leaseOwner: this.owner }, { leaseOwner: null, leaseUntil: null }))
      .catch(() => undefined);
  }

  private async poll(): Promise<void> {
    try {
      const now = new Date().toISOString();
      const due = await this.streams
        .createQueryBuilder('s')
        .where('s.status = :active', { active: 'active' })
        .andWhere(new Brackets((b) => b.where('s.retry_at IS NULL').orWhere('s.retry_at <= :now', { now })))
        .getMany();
      for (const stream of due) {
        if (this.stopped) {
          return;
        }
        // A read first: an idle stream costs no write (the lease) per poll.
        if ((await this.pending(stream)) && (await this.claim(stream.id))) {
          // Read again under the lease: another process may have moved the cursor since the list was read.
          const held = await this.streams.findOne({ where: { id: stream.id } });
          if (held?.status === 'active') {
            await this.deliver(held);
          }
        }
      }
    } catch (e) {
      this.logger.error(`log stream poll failed: ${e instanceof Error ? e.message : String(e)}`);
    }
  }

  /** Whether the stream has an event to hand over (settled, after its cursor). */
  private async pending(stream: LogStreamEntity): Promise<boolean> {
    return this.events.exists({
      where: { tenantId: stream.tenantId, logId: And(MoreThan(stream.cursor), LessThan(cursorAt(Date.now() - SETTLE_MS))) },
    });
  }

  /** Takes (or renews) this stream's lease; false when another process holds it. */
  private async claim(id: string): Promise<boolean> {
    const now = Date.now();
    const result = await this.db.write((em) =>
      em
        .createQueryBuilder()
        .update(LogStreamEntity)
        .set({ leaseOwner: this.owner, leaseUntil: new Date(now + LEASE_MS).toISOString() })
        .where('id = :id', { id })
        .andWhere(
          new Brackets((b) =>
            b
              .where('lease_owner IS NULL')
              .orWhere('lease_owner = :me', { me: this.owner })
              .orWhere('lease_until < :now', { now: new Date(now).toISOString() }),
          ),
        )
        .execute(),
    );
    return (result.affected ?? 0) > 0;
  }

  private async deliver(stream: LogStreamEntity): Promise<void> {
    const sink = JSON.parse(stream.sink) as StoredSink;
    const categories = new Set((JSON.parse(stream.filters) as { name: string }[]).map((f) => f.name));
    const authorization = stream.httpAuthorizationSealed
      ? this.secrets.open(stream.httpAuthorizationSealed, `log_stream:${stream.id}`)
      : undefined;
    let cursor = stream.cursor;
    for (let n = 0; n < BATCHES_PER_POLL && !this.stopped; n++) {
      const rows = await this.events.find({
        where: { tenantId: stream.tenantId, logId: And(MoreThan(cursor), LessThan(cursorAt(Date.now() - SETTLE_MS))) },
        order: { logId: 'ASC' },
        take: BATCH,
      });
      if (rows.length === 0) {
        return;
      }
      const selected = categories.size === 0 ? rows : rows.filter((r) => categories.has(categoryOf(r.type)));
      const chunks = sink.httpContentFormat === 'JSONOBJECT' ? selected.map((r) => [r]) : selected.length > 0 ? [selected] : [];
      for (const chunk of chunks) {
        const error = await this.post(sink, authorization, chunk);
        if (error) {
          await this.failed(stream, cursor, error);
          return;
        }
        cursor = chunk[chunk.length - 1].logId;
        logStreamDeliveries.labels('delivered').inc();
        logStreamEvents.inc(chunk.length);
        await this.store(stream.id, { cursor });
      }
      // The rows filtered out are handed over too: the cursor passes them.
      cursor = rows[rows.length - 1].logId;
      await this.store(stream.id, { cursor, failures: 0, lastError: null, retryAt: null });
      if (rows.length < BATCH) {
        return;
      }
    }
  }

  /** One POST of `events` in the sink's format; the error's text, or undefined when the sink took them. */
  private async post(sink: StoredSink, authorization: string | undefined, events: LogEventEntity[]): Promise<string | undefined> {
    const items = events.map((e) => JSON.stringify({ log_id: e.logId, data: toLogResponse(e) }));
    const body = sink.httpContentFormat === 'JSONARRAY' ? `[${items.join(',')}]` : items.join('\n');
    const headers: Record<string, string> = { 'content-type': sink.httpContentType };
    for (const h of sink.httpCustomHeaders ?? []) {
      headers[h.header] = h.value;
    }
    if (authorization) {
      headers.authorization = authorization;
    }
    try {
      const res = await fetch(sink.httpEndpoint, {
        method: 'POST',
        headers,
        body,
        redirect: 'manual',
        signal: AbortSignal.timeout(POST_TIMEOUT_MS),
      });
      await res.body?.cancel().catch(() => undefined);
      return res.status >= 200 && res.status < 300 ? undefined : `the sink answered ${res.status}`;
    } catch (e) {
      const cause = (e as { cause?: { code?: string } }).cause?.code;
      return `the sink could not be reached${cause ? ` (${cause})` : e instanceof Error ? ` (${e.name})` : ''}`;
    }
  }

  private async failed(stream: LogStreamEntity, cursor: string, error: string): Promise<void> {
    logStreamDeliveries.labels('failed').inc();
    const current = await this.streams.findOne({ where: { id: stream.id } });
    const failures = (current?.failures ?? stream.failures) + 1;
    const suspend = failures >= this.config.logStreamMaxFailures;
    const backoff = Math.min(this.config.logStreamPollMs * 2 ** (failures - 1), MAX_BACKOFF_MS);
    await this.store(stream.id, {
      cursor,
      failures,
      lastError: error.slice(0, 512),
      retryAt: new Date(Date.now() + backoff).toISOString(),
      ...(suspend ? { status: 'suspended' as const } : {}),
    });
    if (suspend) {
      this.logger.warn(`log stream ${stream.id} suspended after ${failures} failed deliveries: ${error}`);
    }
  }

  /** Updates the stream's delivery state while this process holds its lease. */
  private async store(id: string, fields: Partial<LogStreamEntity>): Promise<void> {
    await this.db.write((em) =>
      em.update(LogStreamEntity, { id, leaseOwner: this.owner }, { ...fields, updatedAt: new Date().toISOString() }),
    );
  }
}
