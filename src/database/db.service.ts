import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';

/**
 * One door for writes. TypeORM's sqlite driver shares a single connection between all transactions, so
 * two concurrent transactions would interleave; writes are therefore queued in-process and each runs in
 * its own transaction. A check-then-write done inside `write()` cannot race another write.
 */
@Injectable()
export class DbService {
  private tail: Promise<unknown> = Promise.resolve();

  constructor(@InjectDataSource() readonly dataSource: DataSource) {}

  write<T>(fn: (em: EntityManager) => Promise<T>): Promise<T> {
    const run = this.tail.then(
      () => this.dataSource.transaction(fn),
      () => this.dataSource.transaction(fn),
    );
    this.tail = run.catch(() => undefined);
    return run;
  }
}
