import type { Database, Statement } from 'sqlite3';

type RowsCallback<T> = (err: Error | null, rows: T[]) => void;
type RunCallback = (this: { changes: number }, err: Error | null) => void;

/**
 * Prepared statements on SQLite's one shared connection, each prepared once and kept, for the few
 * statements every token exchange runs. Through TypeORM each query is a new statement: prepared in a
 * libuv thread, then finalized on the event loop, where `sqlite3_finalize` waits for the connection's
 * mutex while another statement (a COMMIT's fsync) holds it, so the whole process stalls behind the
 * write. A kept statement is bound, stepped and reset in the libuv thread only. `all` steps to the end
 * (no statement is left open holding a read snapshot); placeholders are `?`.
 */
export class SqliteStatements {
  private readonly prepared = new Map<string, Promise<Statement>>();
  private closed = false;

  constructor(private readonly connection: Database) {}

  /** The rows of a query (or of a write's RETURNING clause). */
  async all<T>(sql: string, params: unknown[]): Promise<T[]> {
    const statement = this.closed ? undefined : await this.statement(sql);
    return new Promise((resolve, reject) => {
      const done: RowsCallback<T> = (err, rows) => (err ? reject(err) : resolve(rows));
      return statement ? statement.all(params, done) : this.connection.all(sql, params, done);
    });
  }

  /** A write; resolves to the number of rows it changed. */
  async run(sql: string, params: unknown[]): Promise<number> {
    const statement = this.closed ? undefined : await this.statement(sql);
    return new Promise((resolve, reject) => {
      const done: RunCallback = function (err) {
        return err ? reject(err) : resolve(this.changes);
      };
      return statement ? statement.run(params, done) : this.connection.run(sql, params, done);
    });
  }

  /**
   * Finalizes every kept statement, so the connection can close (SQLite refuses while one is open). A
   * statement run after this (a poller during shutdown) is prepared and finalized for that run alone.
   */
  async close(): Promise<void> {
    this.closed = true;
    const kept = [...this.prepared.values()];
    this.prepared.clear();
    const finalize = (s: Statement) => new Promise<void>((resolve) => s.finalize(() => resolve()));
    await Promise.all(kept.map((p) => p.then(finalize, () => undefined)));
  }

  /** Prepared once; a statement that fails to prepare is not kept (its callers get the error). */
  private statement(sql: string): Promise<Statement> {
    let statement = this.prepared.get(sql);
    if (!statement) {
      statement = new Promise<Statement>((resolve, reject) => {
        const s: Statement = this.connection.prepare(sql, (err: Error | null) => (err ? reject(err) : resolve(s)));
      });
      statement.catch(() => this.prepared.delete(sql));
      this.prepared.set(sql, statement);
    }
    return statement;
  }
}
