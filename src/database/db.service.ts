import { Injectable, type OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { setTimeout as sleep } from 'node:timers/promises';
import { DataSource, type EntityManager } from 'typeorm';

/** How long a write waits for SQLite's write lock held by another process before it fails. */
const LOCK_WAIT_MS = 15000;
/**
 * SQLite's own busy wait once the app runs (startup and migrations keep the configured 15 s). Its busy
 * handler sleeps in a libuv thread holding the connection's mutex, so every other statement of this
 * process queues behind it, each in a thread of the pool that signatures also need; the wait for the
 * write lock is done here in JavaScript instead.
 */
const SQLITE_BUSY_MS = 20;

/**
 * One door for writes. TypeORM's sqlite driver shares a single connection between all transactions, so
 * two concurrent transactions would interleave; writes are therefore queued in-process and each runs in
 * its own transaction. A check-then-write done inside `write()` cannot race another write of this process;
 * against other processes, PostgreSQL's row locks and conditional updates decide, and on SQLite the
 * transaction takes the write lock up front (below).
 */
@Injectable()
export class DbService implements OnModuleInit {
  private tail: Promise<unknown> = Promise.resolve();
  private readonly sqlite: boolean;

  constructor(@InjectDataSource() readonly dataSource: DataSource) {
    this.sqlite = dataSource.options.type === 'sqlite';
  }

  async onModuleInit(): Promise<void> {
    if (this.sqlite) {
      await this.dataSource.query(`PRAGMA busy_timeout = ${SQLITE_BUSY_MS}`);
    }
  }

  write<T>(fn: (em: EntityManager) => Promise<T>): Promise<T> {
    return this.enqueue(() => (this.sqlite ? this.immediate(fn) : this.dataSource.transaction(fn)));
  }

  /**
   * One statement, atomic on its own, without BEGIN and COMMIT around it: two fewer round trips for a write
   * that needs no read before it (the audit log's batched INSERT, a refresh token's rotation on PostgreSQL).
   * SQLite runs it in the queue (one shared connection); PostgreSQL at once on a pooled connection, since
   * nothing of this process needs to be ordered before it and the database's row locks decide between
   * concurrent statements.
   */
  writeStatement(sql: string, parameters: unknown[]): Promise<unknown> {
    const run = () => this.dataSource.query(sql, parameters);
    return this.sqlite ? this.enqueue(() => whenUnlocked(run)) : run();
  }

  private enqueue<T>(op: () => Promise<T>): Promise<T> {
    const run = this.tail.then(op, op);
    this.tail = run.catch(() => undefined);
    return run;
  }

  /**
   * SQLite: `BEGIN IMMEDIATE` rather than TypeORM's deferred `BEGIN`. A deferred transaction that reads and
   * then writes fails at once with SQLITE_BUSY when another process (a cluster worker, a second instance)
   * wrote meanwhile; an immediate one waits for the lock (whenUnlocked), then sees the latest data.
   */
  private async immediate<T>(fn: (em: EntityManager) => Promise<T>): Promise<T> {
    const qr = this.dataSource.createQueryRunner();
    await whenUnlocked(() => qr.query('BEGIN IMMEDIATE'));
    // Tell TypeORM a transaction is open, so operations that open their own become savepoints inside ours.
    Object.assign(qr, { isTransactionActive: true, transactionDepth: 1 });
    try {
      const result = await fn(qr.manager);
      await qr.query('COMMIT');
      return result;
    } catch (e) {
      await qr.query('ROLLBACK').catch(() => undefined);
      throw e;
    } finally {
      Object.assign(qr, { isTransactionActive: false, transactionDepth: 0 });
    }
  }
}

/** Retries `take` while SQLite answers SQLITE_BUSY (nothing was written), for up to LOCK_WAIT_MS. */
async function whenUnlocked<T>(take: () => Promise<T>): Promise<T> {
  const deadline = Date.now() + LOCK_WAIT_MS;
  for (let delay = 1; ; delay = Math.min(delay * 2, 25)) {
    try {
      return await take();
    } catch (e) {
      if (!isBusy(e) || Date.now() >= deadline) {
        throw e;
      }
    }
    await sleep(delay);
  }
}

function isBusy(e: unknown): boolean {
  const driverError = (e as { driverError?: { code?: unknown } } | undefined)?.driverError;
  return driverError?.code === 'SQLITE_BUSY' || (e instanceof Error && e.message.startsWith('SQLITE_BUSY'));
}
