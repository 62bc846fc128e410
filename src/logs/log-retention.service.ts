import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { setTimeout as sleep } from 'node:timers/promises';
import type { AppConfig } from '../config/app-config.js';
import { APP_CONFIG } from '../config/config.module.js';
import { DbService } from '../database/db.service.js';
import { auditRetentionDeleted } from '../metrics/metrics.js';

/** Rows per DELETE: each is a short write, so token issuance (whose log writes share the queue) never waits long. */
const BATCH = 500;
/** Pause between batches: lets other writes and reads of this process run. */
const PAUSE_MS = 5;
const DAY_MS = 86_400_000;

/**
 * Deletes audit events older than LOG_RETENTION_DAYS, in small batches, in the background. log_id starts
 * with the event's zero-padded milliseconds, so "older than the cutoff" is a range of the primary key:
 * each batch is an index range scan, not a table scan.
 *
 * On SQLite the freed pages go on the database's free list and the next inserts reuse them (auto_vacuum
 * stays off: giving pages back to the file system would only make the file grow again). Once retention is
 * steady, each day's deletions make room for the next day's events and the file stops growing. The WAL is
 * truncated after checkpoints beyond journal_size_limit so a burst does not leave it large.
 */
@Injectable()
export class LogRetentionService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('LogRetention');
  private timer?: NodeJS.Timeout;
  private running?: Promise<number>;
  private stopped = false;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly db: DbService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (this.db.dataSource.options.type === 'sqlite') {
      await this.db.dataSource.query('PRAGMA journal_size_limit = 67108864');
    }
    if (this.config.logRetentionDays > 0) {
      this.timer = setInterval(() => {
        if (!this.running) {
          void this.sweep();
        }
      }, this.config.logRetentionIntervalMs);
      this.timer.unref();
    }
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    await this.running;
  }

  /** A sweep after any under way (one at a time): deletes every event older than the cutoff; resolves to the count. */
  sweep(now = Date.now()): Promise<number> {
    const run = (this.running ?? Promise.resolve(0)).then(() => this.deleteOlderThan(now - this.config.logRetentionDays * DAY_MS));
    this.running = run;
    void run.finally(() => {
      if (this.running === run) {
        this.running = undefined;
      }
    });
    return run;
  }

  private async deleteOlderThan(cutoffMs: number): Promise<number> {
    const cutoff = String(Math.floor(cutoffMs)).padStart(15, '0');
    const postgres = this.db.dataSource.options.type === 'postgres';
    // A CTE rather than `DELETE ... IN (SELECT ...)`: TypeORM runs statements that begin with DELETE
    // through sqlite3's run(), which drops the RETURNING rows this counts.
    const sql =
      `WITH "old" AS (SELECT "log_id" FROM "log_events" WHERE "log_id" < ${postgres ? '$1' : '?'} ORDER BY "log_id" LIMIT ${BATCH}) ` +
      `DELETE FROM "log_events" WHERE "log_id" IN (SELECT "log_id" FROM "old") RETURNING "log_id"`;
    let total = 0;
    try {
      while (!this.stopped) {
        const result = await this.db.writeStatement(sql, [cutoff]);
        // TypeORM answers a PostgreSQL DELETE with [rows, rowCount], SQLite's with the rows.
        const n = postgres ? Number((result as [unknown[], number])[1]) : (result as unknown[]).length;
        total += n;
        auditRetentionDeleted.inc(n);
        if (n < BATCH) {
          break;
        }
        await sleep(PAUSE_MS);
      }
    } catch (e) {
      this.logger.error(`retention sweep failed after ${total} deletions: ${e instanceof Error ? e.message : String(e)}`);
    }
    if (total > 0) {
      this.logger.log(`deleted ${total} audit events older than ${this.config.logRetentionDays} days`);
    }
    return total;
  }
}
