import type { EntityManager, QueryRunner } from 'typeorm';

/** Most writes one SQLite transaction carries: a bound on how long its first caller waits for the commit. */
export const MAX_GROUP = 64;

/** The write lock, taken with retries while another process holds it. */
export type Begin = (qr: QueryRunner) => Promise<void>;

interface Pending {
  fn: (em: EntityManager) => Promise<unknown>;
  /** One statement, atomic on its own: run between transactions, without BEGIN and COMMIT around it. */
  solo: boolean;
  resolve: (value: unknown) => void;
  reject: (reason: unknown) => void;
}

/**
 * Group commit for SQLite's one shared connection. Writes are serialized anyway (one connection, one
 * writer), and each commit of a WAL database in `synchronous=FULL` costs an fsync that takes longer than
 * the statements it makes durable. So every write waiting when a transaction starts, and every one that
 * arrives before it commits (up to MAX_GROUP), runs in that one transaction, in arrival order, each in a
 * savepoint of its own: a write that throws is rolled back alone and its caller gets the error at once;
 * the others resolve only after the COMMIT succeeded, so nobody is told "done" before the data is durable.
 * A lone write runs without a savepoint (BEGIN, its statements, COMMIT) as before, and a single statement
 * (the audit log's batched INSERT) alone, without a transaction.
 */
export class GroupCommit {
  private readonly queue: Pending[] = [];
  private running = false;

  constructor(
    private readonly newRunner: () => QueryRunner,
    private readonly begin: Begin,
    private readonly unlocked: <T>(take: () => Promise<T>) => Promise<T>,
    /** Runs SAVEPOINT, RELEASE, ROLLBACK and COMMIT (DbService: through kept statements). */
    private readonly control: (qr: QueryRunner, sql: string) => Promise<unknown> = (qr, sql) => qr.query(sql),
  ) {}

  /** A write in a transaction of its own or shared with others (see the class). */
  run<T>(fn: (em: EntityManager) => Promise<T>): Promise<T> {
    return this.push(fn, false);
  }

  /** One statement, in the same order as the writes, outside any transaction. */
  statement(sql: string, parameters: unknown[]): Promise<unknown> {
    return this.push((em) => em.query(sql, parameters), true);
  }

  private push<T>(fn: (em: EntityManager) => Promise<T>, solo: boolean): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ fn, solo, resolve: resolve as (v: unknown) => void, reject });
      if (!this.running) {
        this.running = true;
        void this.drain();
      }
    });
  }

  private async drain(): Promise<void> {
    try {
      while (this.queue.length > 0) {
        await (this.queue[0].solo ? this.alone(this.queue.shift()!) : this.transaction());
      }
    } finally {
      this.running = false;
    }
  }

  private async alone(p: Pending): Promise<void> {
    const qr = this.newRunner();
    await this.unlocked(() => p.fn(qr.manager)).then(p.resolve, p.reject);
  }

  /** One transaction: BEGIN IMMEDIATE, the writes queued until it commits (up to a solo statement), COMMIT. */
  private async transaction(): Promise<void> {
    const qr = this.newRunner();
    try {
      await this.begin(qr);
    } catch (e) {
      // The lock never came (another process held it too long): the first write fails, the rest retry.
      this.queue.shift()?.reject(e);
      return;
    }
    // Tell TypeORM a transaction is open, so a write that opens its own gets a savepoint inside ours.
    Object.assign(qr, { isTransactionActive: true, transactionDepth: 1 });
    const done: { p: Pending; value: unknown }[] = [];
    try {
      for (let n = 0; n < MAX_GROUP && this.queue.length > 0 && !this.queue[0].solo; n++) {
        const alone = n === 0;
        if (!alone) {
          await this.control(qr, 'SAVEPOINT group_write');
        }
        // Taken off the queue only now: a write whose savepoint failed never ran and waits for the next transaction.
        const p = this.queue.shift()!;
        let value: unknown;
        try {
          value = await p.fn(qr.manager);
        } catch (e) {
          // Undo this write only (when the first write fails, nothing else is in the transaction yet), and
          // only then tell its caller, who may read at once on this same connection, as TypeORM's own
          // transaction does.
          try {
            if (alone) {
              await this.control(qr, 'ROLLBACK');
              return;
            }
            await this.control(qr, 'ROLLBACK TO group_write');
            await this.control(qr, 'RELEASE group_write');
          } finally {
            p.reject(e);
          }
          continue;
        }
        // In `done` before its RELEASE, so that a failing RELEASE rejects it with the rest of the group.
        done.push({ p, value });
        if (!alone) {
          await this.control(qr, 'RELEASE group_write');
        }
      }
      await this.control(qr, 'COMMIT');
    } catch (e) {
      // A failed COMMIT, SAVEPOINT or RELEASE, or SQLite rolled the whole transaction back itself (disk
      // full, I/O error): no write of it happened, so each caller hears so.
      await this.control(qr, 'ROLLBACK').catch(() => undefined);
      done.forEach(({ p }) => p.reject(e));
      return;
    } finally {
      Object.assign(qr, { isTransactionActive: false, transactionDepth: 0 });
    }
    done.forEach(({ p, value }) => p.resolve(value));
  }
}
