import { Inject, Injectable, Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { randomBytes } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { Brackets, Repository, type EntityManager } from 'typeorm';
import type { AppConfig } from '../config/app-config.js';
import { APP_CONFIG } from '../config/config.module.js';
import type { DatabaseConnectionOptions } from '../connections/connection-options.js';
import { ConnectionsService } from '../connections/connections.service.js';
import { DbService } from '../database/db.service.js';
import { isUniqueViolation } from '../database/unique-violation.js';
import { readImportRow, rowWithoutSecrets, type ImportRowError } from '../users/user-import.js';
import { UsersService, type ImportOutcome } from '../users/users.service.js';
import { csvHeader, csvLine, jsonLine } from './export-format.js';
import { ImportCompletionMails } from './import-completion-mail.js';
import { JobErrorEntity } from './job-error.entity.js';
import { JobFileEntity } from './job-file.entity.js';
import { JobEntity } from './job.entity.js';
import { paramsOf, summaryOf, type JobSummary } from './job.mapper.js';

const POLL_MS = 1000;
const LEASE_MS = 30_000;
/** A job whose process died this many times (its lease ran out) is failed instead of taken up again. */
const MAX_CRASHES = 3;
const EXPORT_PAGE = 1000;
const ERROR_INSERT_CHUNK = 200;
const RUNNABLE = ['users_import', 'users_export'];
/** How long a finished export's file is kept for its download link. */
const EXPORT_KEEP_MS = 24 * 3600_000;
const SWEEP_EVERY_MS = 10 * 60_000;

/** Another process took the job over (our lease ran out): stop without touching it. */
class LostLease extends Error {}

/**
 * Runs users import and export jobs in the background. A job is taken with a lease in its row (a
 * conditional UPDATE, as log-stream delivery does), so one process works on it at a time; every batch of
 * an import commits its users, its failed rows and the job's new position in one transaction, so a job
 * taken up again (after a clean stop, at once; after a crash, when the lease runs out) goes on from the
 * first row not yet committed. A job whose process keeps dying ends `failed` with the row it reached.
 */
@Injectable()
export class JobRunner implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('Jobs');
  private readonly owner = `${process.pid}-${randomBytes(6).toString('hex')}`;
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private again = false;
  private stopped = false;
  private sweptAt = 0;
  /** An import ended here (or the process just started): look for completion mails owed. */
  private mailsDue = true;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @InjectRepository(JobEntity) private readonly jobs: Repository<JobEntity>,
    @InjectRepository(JobFileEntity) private readonly files: Repository<JobFileEntity>,
    private readonly db: DbService,
    private readonly users: UsersService,
    private readonly connections: ConnectionsService,
    private readonly completionMails: ImportCompletionMails,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => this.wake(), POLL_MS);
    this.timer.unref();
    this.wake();
  }

  /** Lets the batch in flight commit, then hands the leases back so another process resumes at once. */
  async beforeApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    await this.running;
    await this.db
      .write((em) => em.update(JobEntity, { leaseOwner: this.owner }, { leaseOwner: null, leaseUntil: null }))
      .catch(() => undefined);
  }

  /** Looks for work now (a job was just created) rather than at the next poll. */
  wake(): void {
    if (this.stopped) {
      return;
    }
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.drain().finally(() => {
      this.running = undefined;
      if (this.again) {
        this.again = false;
        this.wake();
      }
    });
  }

  private async drain(): Promise<void> {
    try {
      if (Date.now() - this.sweptAt > SWEEP_EVERY_MS) {
        this.sweptAt = Date.now();
        this.mailsDue = true;
        await this.sweepExports();
      }
      for (let job = await this.claimNext(); job && !this.stopped; job = await this.claimNext()) {
        await this.run(job);
      }
      if (this.mailsDue && !this.stopped) {
        this.mailsDue = false;
        await this.completionMails.sendDue();
      }
    } catch (e) {
      this.logger.error(`job poll failed: ${e instanceof Error ? e.message : String(e)}`);
    }
  }

  /** Takes the oldest runnable job no live process holds; counts it as a crash when a lease had run out. */
  private async claimNext(): Promise<JobEntity | undefined> {
    const now = new Date().toISOString();
    const free = new Brackets((b) => b.where('lease_owner IS NULL').orWhere('lease_until < :now', { now }));
    const candidates = await this.jobs
      .createQueryBuilder('j')
      .select(['j.id'])
      .where('j.status IN (:...statuses)', { statuses: ['pending', 'processing'] })
      .andWhere('j.type IN (:...types)', { types: RUNNABLE })
      .andWhere(free)
      .orderBy('j.created_at', 'ASC')
      .take(10)
      .getMany();
    for (const { id } of candidates) {
      const result = await this.db.write((em) =>
        em
          .createQueryBuilder()
          .update(JobEntity)
          .set({
            leaseOwner: this.owner,
            leaseUntil: this.leaseEnd(),
            status: 'processing',
            attempts: () => 'CASE WHEN lease_owner IS NULL THEN attempts ELSE attempts + 1 END',
            updatedAt: now,
          })
          .where('id = :id', { id })
          .andWhere(new Brackets((b) => b.where('lease_owner IS NULL').orWhere('lease_until < :now', { now })))
          .execute(),
      );
      if ((result.affected ?? 0) > 0) {
        const job = await this.jobs.findOne({ where: { id } });
        if (job && job.attempts >= MAX_CRASHES) {
          await this.finish(
            job,
            'failed',
            `The job stopped ${job.attempts} times without finishing (at row ${job.position}) and was given up.`,
          );
          continue;
        }
        return job ?? undefined;
      }
    }
    return undefined;
  }

  private async run(job: JobEntity): Promise<void> {
    try {
      if (job.type === 'users_import') {
        await this.runImport(job);
      } else {
        await this.runExport(job);
      }
    } catch (e) {
      if (e instanceof LostLease) {
        return;
      }
      this.logger.error(`job ${job.id} failed: ${e instanceof Error ? e.message : String(e)}`);
      await this.finish(job, 'failed', `The job failed at row ${job.position}: internal error.`).catch(() => undefined);
    }
  }

  private async databaseConnection(job: JobEntity): Promise<{ name: string; options: DatabaseConnectionOptions } | undefined> {
    const c = job.connectionId ? await this.connections.findById(job.tenantId, job.connectionId) : undefined;
    return c && c.strategy === 'auth0' ? { name: c.name, options: c.options as DatabaseConnectionOptions } : undefined;
  }

  private async runImport(job: JobEntity): Promise<void> {
    const file = await this.files.findOne({ where: { jobId: job.id, kind: 'input' } });
    const connection = await this.databaseConnection(job);
    if (!file || !connection) {
      await this.finish(job, 'failed', file ? 'The connection no longer exists.' : 'The import file is missing.');
      return;
    }
    const rows = JSON.parse(file.body) as unknown[];
    const upsert = paramsOf(job).upsert ?? false;
    let summary = summaryOf(job) ?? { total: rows.length, inserted: 0, updated: 0, failed: 0 };
    let size = this.config.jobBatchSize;
    while (job.position < rows.length) {
      if (this.stopped) {
        return;
      }
      const n = Math.min(size, rows.length - job.position);
      try {
        summary = await this.importBatch(job, connection, rows.slice(job.position, job.position + n), summary, upsert);
        job.position += n;
        size = this.config.jobBatchSize;
      } catch (e) {
        if (!isUniqueViolation(e)) {
          throw e;
        }
        // Another writer created one of these users meanwhile (PostgreSQL): go row by row; a single row
        // that still collides fails alone.
        if (n > 1) {
          size = 1;
          continue;
        }
        summary = await this.importBatch(job, connection, rows.slice(job.position, job.position + 1), summary, upsert, [
          { code: 'DUPLICATED_USER', message: 'The user was created by another request meanwhile' },
        ]);
        job.position += 1;
      }
    }
    await this.finish(job, 'completed');
  }

  /** One transaction: the batch's users, its failed rows, and the job's position and summary. */
  private async importBatch(
    job: JobEntity,
    connection: { name: string; options: DatabaseConnectionOptions },
    raws: unknown[],
    before: JobSummary,
    upsert: boolean,
    forced?: ImportRowError[],
  ): Promise<JobSummary> {
    const read = raws.map((raw) => (forced ? { errors: forced } : readImportRow(raw)));
    return this.db.write(async (em) => {
      const ok = read.flatMap((r) => ('user' in r ? [r.user] : []));
      const outcomes = ok.length > 0 ? await this.users.importIn(em, job.tenantId, connection, ok, upsert) : [];
      const summary = { ...before };
      const failed: JobErrorEntity[] = [];
      let k = 0;
      read.forEach((r, i) => {
        const outcome: ImportOutcome = 'user' in r ? outcomes[k++] : r.errors;
        if (outcome === 'inserted') {
          summary.inserted += 1;
        } else if (outcome === 'updated') {
          summary.updated += 1;
        } else {
          summary.failed += 1;
          failed.push({
            jobId: job.id,
            tenantId: job.tenantId,
            rowIndex: job.position + i,
            body: JSON.stringify({ user: rowWithoutSecrets(raws[i]), errors: outcome }),
          });
        }
      });
      for (let i = 0; i < failed.length; i += ERROR_INSERT_CHUNK) {
        await em.insert(JobErrorEntity, failed.slice(i, i + ERROR_INSERT_CHUNK));
      }
      await this.holding(em, job, { position: job.position + raws.length, summary: JSON.stringify(summary) });
      return summary;
    });
  }

  private async runExport(job: JobEntity): Promise<void> {
    const connection = job.connectionId === null ? undefined : await this.databaseConnection(job);
    if (job.connectionId !== null && !connection) {
      await this.finish(job, 'failed', 'The connection no longer exists.');
      return;
    }
    const { format, fields = [], limit } = paramsOf(job);
    const parts: string[] = format === 'csv' ? [csvHeader(fields)] : [];
    let count = 0;
    let after = '';
    while (limit === undefined || count < limit) {
      if (this.stopped) {
        return;
      }
      const take = limit === undefined ? EXPORT_PAGE : Math.min(EXPORT_PAGE, limit - count);
      const page = await this.users.exportPage(job.tenantId, connection?.name, after, take);
      for (const user of page) {
        parts.push(format === 'csv' ? csvLine(user, fields) : jsonLine(user, fields));
      }
      count += page.length;
      if (page.length < take) {
        break;
      }
      after = page[page.length - 1].user_id;
      await this.db.write((em) => this.holding(em, job, {}));
    }
    const body = gzipSync(Buffer.from(parts.join(''), 'utf8')).toString('base64');
    await this.db.write(async (em) => {
      await this.holding(em, job, {});
      await em.delete(JobFileEntity, { jobId: job.id, kind: 'result' });
      await em.insert(JobFileEntity, { jobId: job.id, tenantId: job.tenantId, kind: 'result', body });
    });
    await this.finish(job, 'completed');
  }

  /** Export files older than EXPORT_KEEP_MS go (their links answer 404); the job rows stay. */
  private async sweepExports(): Promise<void> {
    const before = new Date(Date.now() - EXPORT_KEEP_MS).toISOString();
    await this.db.write((em) =>
      em
        .createQueryBuilder()
        .delete()
        .from(JobFileEntity)
        .where('kind = :kind', { kind: 'result' })
        .andWhere("job_id IN (SELECT id FROM jobs WHERE type = 'users_export' AND updated_at < :before)", { before })
        .execute(),
    );
  }

  /** Updates the job while this process holds it (and renews the lease); LostLease when it does not. */
  private async holding(em: EntityManager, job: JobEntity, fields: Partial<JobEntity>): Promise<void> {
    const result = await em.update(
      JobEntity,
      { id: job.id, leaseOwner: this.owner },
      { ...fields, leaseUntil: this.leaseEnd(), updatedAt: new Date().toISOString() },
    );
    if ((result.affected ?? 0) === 0) {
      throw new LostLease(job.id);
    }
  }

  /** Ends the job and drops its input (an import file may hold password hashes); its completion mail follows the commit. */
  private async finish(job: JobEntity, status: 'completed' | 'failed', details?: string): Promise<void> {
    await this.db.write(async (em) => {
      await this.holding(em, job, { status, statusDetails: details ?? null, leaseOwner: null });
      await em.delete(JobFileEntity, { jobId: job.id, kind: 'input' });
    });
    if (job.type === 'users_import') {
      this.mailsDue = true;
    }
  }

  private leaseEnd(): string {
    return new Date(Date.now() + LEASE_MS).toISOString();
  }
}
