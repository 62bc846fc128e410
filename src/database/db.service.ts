import { Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { setTimeout as sleep } from 'node:timers/promises';
import { DataSource, type EntityManager, type QueryRunner } from 'typeorm';
import type { SqliteDriver } from 'typeorm/driver/sqlite/SqliteDriver.js';
import { GroupCommit } from './group-commit.js';
import { SqliteStatements } from './sqlite-statements.js';

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
 * two concurrent transactions would interleave; writes are therefore queued in-process and run one after
 * another (on SQLite several share a transaction, each in a savepoint: GroupCommit; on PostgreSQL each has
 * its own). A check-then-write done inside `write()` cannot race another write of this process;
 * against other processes, PostgreSQL's row locks and conditional updates decide, and on SQLite the
 * transaction takes the write lock up front (below).
 */
@Injectable()
export class DbService implements OnModuleInit, OnModuleDestroy {
  private tail: Promise<unknown> = Promise.resolve();
  private readonly sqlite: boolean;
  private readonly group: GroupCommit;
  /** SQLite only: kept prepared statements for the token exchanges' reads and writes (see SqliteStatements). */
  statements?: SqliteStatements;
  private readonly numbered = new Map<string, string>();

  constructor(@InjectDataSource() readonly dataSource: DataSource) {
    this.sqlite = dataSource.options.type === 'sqlite';
    // The transaction's own statements go through kept statements once they exist (onModuleInit).
    // `BEGIN IMMEDIATE` rather than TypeORM's deferred `BEGIN`: a deferred transaction that reads and then
    // writes fails at once with SQLITE_BUSY when another process (a cluster worker, a second instance) wrote
    // meanwhile; an immediate one waits for the lock (whenUnlocked), then sees the latest data.
    const control = (qr: QueryRunner, sql: string) => (this.statements ? this.statements.run(sql, []) : qr.query(sql));
    this.group = new GroupCommit(
      () => dataSource.createQueryRunner(),
      async (qr) => void (await whenUnlocked(() => control(qr, 'BEGIN IMMEDIATE'))),
      whenUnlocked,
      control,
    );
  }

  async onModuleInit(): Promise<void> {
    if (this.sqlite) {
      await this.dataSource.query(`PRAGMA busy_timeout = ${SQLITE_BUSY_MS}`);
      const statements = new SqliteStatements((this.dataSource.driver as SqliteDriver).databaseConnection);
      this.statements = statements;
      // SQLite will not close a connection with statements open: whoever closes it finalizes them first.
      const destroy = this.dataSource.destroy.bind(this.dataSource);
      this.dataSource.destroy = async () => {
        await statements.close();
        return destroy();
      };
    }
  }

  /** Before TypeORM closes the connection at shutdown (an application shutdown hook, after this one). */
  async onModuleDestroy(): Promise<void> {
    await this.statements?.close();
  }

  /** The kept statements, for a path that runs on SQLite only (PostgreSQL has its own single statement). */
  sqliteStatements(): SqliteStatements {
    if (!this.statements) {
      throw new Error('Kept statements exist on SQLite only, once the module is initialised');
    }
    return this.statements;
  }

  /**
   * A read written by hand (`?` placeholders), for the hot paths: on SQLite a kept prepared statement, on
   * PostgreSQL a pooled query (placeholders numbered once per statement text). Outside transactions on
   * PostgreSQL; on SQLite it sees the connection's open transaction, as every read there does.
   */
  select<T>(sql: string, params: unknown[]): Promise<T[]> {
    if (this.statements) {
      return this.statements.all<T>(sql, params);
    }
    let numbered = this.numbered.get(sql);
    if (numbered === undefined) {
      let i = 0;
      numbered = sql.replace(/\?/g, () => `$${++i}`);
      this.numbered.set(sql, numbered);
    }
    return this.dataSource.query(numbered, params);
  }

  write<T>(fn: (em: EntityManager) => Promise<T>): Promise<T> {
    return this.sqlite ? this.group.run(fn) : this.enqueue(() => this.dataSource.transaction(fn));
  }

  /**
   * One statement, atomic on its own: on PostgreSQL without BEGIN and COMMIT around it (two fewer round
   * trips for a write that needs no read before it: the audit log's batched INSERT, a refresh token's
   * rotation), at once on a pooled connection, since nothing of this process needs to be ordered before it
   * and the database's row locks decide between concurrent statements. SQLite runs it in the order of the
   * writes, on its one shared connection, between two transactions.
   */
  writeStatement(sql: string, parameters: unknown[]): Promise<unknown> {
    return this.sqlite ? this.group.statement(sql, parameters) : this.dataSource.query(sql, parameters);
  }

  private enqueue<T>(op: () => Promise<T>): Promise<T> {
    const run = this.tail.then(op, op);
    this.tail = run.catch(() => undefined);
    return run;
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

/** TypeORM's QueryFailedError carries the driver's error; a kept statement's is the driver's own (no `instanceof`: another realm's Error under jest). */
function isBusy(e: unknown): boolean {
  const err = e as { code?: unknown; driverError?: { code?: unknown } } | undefined;
  return err?.code === 'SQLITE_BUSY' || err?.driverError?.code === 'SQLITE_BUSY';
}
