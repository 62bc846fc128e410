import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';

/**
 * One door for writes. TypeORM's sqlite driver shares a single connection between all transactions, so
 * two concurrent transactions would interleave; writes are therefore queued in-process and each runs in
 * its own transaction. A check-then-write done inside `write()` cannot race another write of this process;
 * against other processes, PostgreSQL's row locks and conditional updates decide, and on SQLite the
 * transaction takes the write lock up front (below).
 */
@Injectable()
export class DbService {
  private tail: Promise<unknown> = Promise.resolve();
  private readonly sqlite: boolean;

  constructor(@InjectDataSource() readonly dataSource: DataSource) {
    this.sqlite = dataSource.options.type === 'sqlite';
  }

  write<T>(fn: (em: EntityManager) => Promise<T>): Promise<T> {
    return this.enqueue(() => (this.sqlite ? this.immediate(fn) : this.dataSource.transaction(fn)));
  }

  /**
   * One statement, atomic on its own, in the same queue but without BEGIN and COMMIT around it: two fewer
   * round trips for a write that needs no read before it (the audit log's batched INSERT).
   */
  writeStatement(sql: string, parameters: unknown[]): Promise<unknown> {
    return this.enqueue(() => this.dataSource.query(sql, parameters));
  }

  private enqueue<T>(op: () => Promise<T>): Promise<T> {
    const run = this.tail.then(op, op);
    this.tail = run.catch(() => undefined);
    return run;
  }

  /**
   * SQLite: `BEGIN IMMEDIATE` rather than TypeORM's deferred `BEGIN`. A deferred transaction that reads and
   * then writes fails at once with SQLITE_BUSY when another process (a cluster worker, a second instance)
   * wrote meanwhile; an immediate one waits for the lock within busy_timeout, then sees the latest data.
   */
  private async immediate<T>(fn: (em: EntityManager) => Promise<T>): Promise<T> {
    const qr = this.dataSource.createQueryRunner();
    await qr.query('BEGIN IMMEDIATE');
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
