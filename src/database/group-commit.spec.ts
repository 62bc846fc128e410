import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource, type EntityManager, type QueryRunner } from 'typeorm';
import { GroupCommit, MAX_GROUP } from './group-commit.js';

type Query = (sql: string, ...rest: unknown[]) => Promise<unknown>;

/**
 * A real SQLite file in WAL mode, as the app opens it, with one table, and the GroupCommit built as
 * DbService builds it over the driver's one shared query runner, whose `query` is wrapped to record every
 * statement (`log`), to note when a COMMIT has completed (`events`) and to make a given statement fail once.
 */
class Harness {
  readonly log: string[] = [];
  readonly events: string[] = [];
  readonly gc: GroupCommit;
  private readonly failures = new Map<string, Error>();
  private readonly qr: QueryRunner;
  private readonly original: Query;
  beginFailure: Error | undefined;

  private constructor(
    private readonly ds: DataSource,
    private readonly dir: string,
  ) {
    this.qr = ds.createQueryRunner();
    this.original = this.qr.query.bind(this.qr) as Query;
    this.qr.query = (async (sql: string, ...rest: unknown[]) => {
      this.log.push(sql);
      const failure = this.failures.get(sql);
      if (failure) {
        this.failures.delete(sql);
        throw failure;
      }
      const result = await this.original(sql, ...rest);
      this.events.push(`${sql} done`);
      return result;
    }) as QueryRunner['query'];
    this.gc = new GroupCommit(
      () => ds.createQueryRunner(),
      async (qr) => {
        if (this.beginFailure) {
          const e = this.beginFailure;
          this.beginFailure = undefined;
          throw e;
        }
        await qr.query('BEGIN IMMEDIATE');
      },
      (take) => take(),
    );
  }

  static async open(): Promise<Harness> {
    const dir = mkdtempSync(join(tmpdir(), 'group-commit-'));
    const ds = await new DataSource({ type: 'sqlite', database: join(dir, 'db.sqlite'), enableWAL: true }).initialize();
    await ds.query('CREATE TABLE item (name TEXT PRIMARY KEY)');
    return new Harness(ds, dir);
  }

  async close(): Promise<void> {
    await this.ds.destroy();
    rmSync(this.dir, { recursive: true, force: true });
  }

  /** The next time `sql` is sent, it fails with `error` without reaching SQLite. */
  failOnce(sql: string, error: Error): void {
    this.failures.set(sql, error);
  }

  /** The rows as a fresh statement on the connection sees them, without recording that statement. */
  async rows(): Promise<string[]> {
    const rows = (await this.original('SELECT name FROM item ORDER BY rowid')) as { name: string }[];
    return rows.map((r) => r.name);
  }

  /** Whether the shared runner is left as outside any transaction, for TypeORM and for SQLite. */
  async idle(): Promise<boolean> {
    const { isTransactionActive, transactionDepth } = this.qr as QueryRunner & { transactionDepth: number };
    const inTransaction = await this.original('BEGIN').then(
      () => this.original('ROLLBACK').then(() => false),
      () => true,
    );
    return !isTransactionActive && transactionDepth === 0 && !inTransaction;
  }
}

const insert = (name: string): string => `INSERT INTO item (name) VALUES ('${name}')`;

function write(em: EntityManager, name: string): Promise<unknown> {
  return em.query(insert(name));
}

interface Tracked<T> {
  state: 'pending' | 'resolved' | 'rejected';
  value?: T;
  reason?: unknown;
  done: Promise<void>;
}

/** Follows a promise without awaiting it, so that a test sees one that never settles. */
function track<T>(p: Promise<T>): Tracked<T> {
  const t: Tracked<T> = { state: 'pending', done: Promise.resolve() };
  t.done = p.then(
    (value) => {
      Object.assign(t, { state: 'resolved', value });
    },
    (reason: unknown) => {
      Object.assign(t, { state: 'rejected', reason });
    },
  );
  return t;
}

function outcomes(...tracked: Tracked<unknown>[]): Partial<Tracked<unknown>>[] {
  return tracked.map(({ state, value, reason }) => (state === 'resolved' ? { state, value } : { state, reason }));
}

describe('GroupCommit on SQLite', () => {
  let h: Harness;

  beforeEach(async () => {
    h = await Harness.open();
  });

  afterEach(async () => {
    await h.close();
  });

  it('runs writes started in the same tick in one transaction, in arrival order, each resolving with its own value', async () => {
    const ran: number[] = [];
    const names = Array.from({ length: 10 }, (_, i) => `w${i}`);
    const values = await Promise.all(
      names.map((name, i) =>
        h.gc.run(async (em) => {
          ran.push(i);
          await write(em, name);
          return { i };
        }),
      ),
    );

    expect(values).toEqual(names.map((_, i) => ({ i })));
    expect(ran).toEqual(names.map((_, i) => i));
    expect(h.log).toEqual([
      'BEGIN IMMEDIATE',
      insert('w0'),
      ...names.slice(1).flatMap((name) => ['SAVEPOINT group_write', insert(name), 'RELEASE group_write']),
      'COMMIT',
    ]);
    expect(await h.rows()).toEqual(names);
    expect(await h.idle()).toBe(true);
  });

  it('runs a lone write as BEGIN, its statements, COMMIT, without a savepoint', async () => {
    const lone = h.gc.run(async (em) => {
      await write(em, 'a');
      await write(em, 'b');
      return 'ok';
    });

    await expect(lone).resolves.toBe('ok');

    expect(h.log).toEqual(['BEGIN IMMEDIATE', insert('a'), insert('b'), 'COMMIT']);
    expect(await h.rows()).toEqual(['a', 'b']);
  });

  it('rolls back a failing write of a group alone, rejects it with its own error and commits the others', async () => {
    const failure = new Error('w1 failed');
    const w0 = h.gc.run((em) => write(em, 'w0').then(() => 0));
    const w1 = h.gc.run(async (em) => {
      await write(em, 'w1');
      throw failure;
    });
    const w2 = h.gc.run(async (em) => {
      await write(em, 'w2a');
      await write(em, 'w0'); // a UNIQUE violation: SQLite undoes the statement, the savepoint the rest
    });
    const w3 = h.gc.run((em) => write(em, 'w3').then(() => 3));
    const [r0, r1, r2, r3] = await Promise.allSettled([w0, w1, w2, w3]);

    expect(r0).toEqual({ status: 'fulfilled', value: 0 });
    expect(r1).toEqual({ status: 'rejected', reason: failure });
    expect(r2.status).toBe('rejected');
    expect(String((r2 as PromiseRejectedResult).reason)).toMatch(/SQLITE_CONSTRAINT/);
    expect(r3).toEqual({ status: 'fulfilled', value: 3 });
    expect(await h.rows()).toEqual(['w0', 'w3']);
    expect(h.log.filter((sql) => sql === 'BEGIN IMMEDIATE' || sql === 'COMMIT')).toEqual(['BEGIN IMMEDIATE', 'COMMIT']);
    expect(h.log.filter((sql) => sql === 'ROLLBACK TO group_write')).toHaveLength(2);
  });

  it('rolls back a failing first write alone and commits the writes behind it in a new transaction', async () => {
    const failure = new Error('w0 failed');
    const w0 = h.gc.run(async (em) => {
      await write(em, 'w0');
      throw failure;
    });
    const w1 = h.gc.run((em) => write(em, 'w1').then(() => 1));
    const w2 = h.gc.run((em) => write(em, 'w2').then(() => 2));

    expect(await Promise.allSettled([w0, w1, w2])).toEqual([
      { status: 'rejected', reason: failure },
      { status: 'fulfilled', value: 1 },
      { status: 'fulfilled', value: 2 },
    ]);
    expect(await h.rows()).toEqual(['w1', 'w2']);
    expect(h.log).toEqual([
      'BEGIN IMMEDIATE',
      insert('w0'),
      'ROLLBACK',
      'BEGIN IMMEDIATE',
      insert('w1'),
      'SAVEPOINT group_write',
      insert('w2'),
      'RELEASE group_write',
      'COMMIT',
    ]);
  });

  it.each([
    ['first', 'ROLLBACK', []],
    ['second', 'ROLLBACK TO group_write', ['w0']],
  ])('tells a failing %s write only once its changes are undone', async (_, undo, seen) => {
    const failing = (em: EntityManager) => write(em, 'failed').then(() => Promise.reject(new Error('failed')));
    const writes = seen.length === 0 ? [failing] : [(em: EntityManager) => write(em, 'w0'), failing];
    let rowsOnRejection: string[] | undefined;
    const settled = writes.map((fn) =>
      h.gc.run(fn).catch(async () => {
        h.events.push('rejected');
        rowsOnRejection = await h.rows();
      }),
    );
    await Promise.all(settled);

    expect(h.events.filter((e) => e === 'rejected' || e === `${undo} done`)).toEqual([`${undo} done`, 'rejected']);
    expect(rowsOnRejection).toEqual(seen);
  });

  it('rejects every write of a group whose COMMIT fails, keeps none of their rows, and the next write works', async () => {
    const ioError = new Error('SQLITE_IOERR: disk I/O error');
    const own = new Error('w1 failed');
    h.failOnce('COMMIT', ioError);
    const w0 = h.gc.run((em) => write(em, 'w0'));
    const w1 = h.gc.run(async (em) => {
      await write(em, 'w1');
      throw own;
    });
    const w2 = h.gc.run((em) => write(em, 'w2'));

    expect(await Promise.allSettled([w0, w1, w2])).toEqual([
      { status: 'rejected', reason: ioError },
      { status: 'rejected', reason: own },
      { status: 'rejected', reason: ioError },
    ]);
    expect(await h.rows()).toEqual([]);
    expect(await h.idle()).toBe(true);

    await expect(h.gc.run((em) => write(em, 'next').then(() => 'ok'))).resolves.toBe('ok');
    expect(await h.rows()).toEqual(['next']);
  });

  it('delivers results only once the COMMIT has completed', async () => {
    const tracked = ['w0', 'w1', 'w2'].map((name) => {
      const p = h.gc.run((em) => write(em, name));
      void p.then(() => h.events.push(`resolved ${name}`));
      return p;
    });
    await Promise.all(tracked);
    const lone = h.gc.run((em) => write(em, 'lone'));
    void lone.then(() => h.events.push('resolved lone'));
    await lone;

    const interesting = h.events.filter((e) => e.startsWith('resolved') || e === 'COMMIT done');
    expect(interesting).toEqual(['COMMIT done', 'resolved w0', 'resolved w1', 'resolved w2', 'COMMIT done', 'resolved lone']);
  });

  it('splits more than MAX_GROUP queued writes into several transactions, all committed', async () => {
    const names = Array.from({ length: MAX_GROUP + 6 }, (_, i) => `w${i}`);
    const values = await Promise.all(names.map((name) => h.gc.run((em) => write(em, name).then(() => name))));

    expect(values).toEqual(names);
    expect(await h.rows()).toEqual(names);
    const commits = h.log.flatMap((sql, i) => (sql === 'COMMIT' ? [i] : []));
    expect(h.log.filter((sql) => sql === 'BEGIN IMMEDIATE')).toHaveLength(2);
    expect(commits).toHaveLength(2);
    expect(h.log.slice(0, commits[0]).filter((sql) => sql.startsWith('INSERT'))).toHaveLength(MAX_GROUP);
  });

  it('runs a statement alone, without BEGIN or COMMIT, in queue order: the writes before it commit first, those after it in a new transaction', async () => {
    const resolved: string[] = [];
    const follow = <T>(name: string, p: Promise<T>): Promise<T> => p.finally(() => resolved.push(name));
    await Promise.all([
      follow(
        'w0',
        h.gc.run((em) => write(em, 'w0')),
      ),
      follow(
        'w1',
        h.gc.run((em) => write(em, 'w1')),
      ),
      follow('s', h.gc.statement('INSERT INTO item (name) VALUES (?)', ['s'])),
      follow(
        'w2',
        h.gc.run((em) => write(em, 'w2')),
      ),
      follow(
        'w3',
        h.gc.run((em) => write(em, 'w3')),
      ),
    ]);

    expect(h.log).toEqual([
      'BEGIN IMMEDIATE',
      insert('w0'),
      'SAVEPOINT group_write',
      insert('w1'),
      'RELEASE group_write',
      'COMMIT',
      'INSERT INTO item (name) VALUES (?)',
      'BEGIN IMMEDIATE',
      insert('w2'),
      'SAVEPOINT group_write',
      insert('w3'),
      'RELEASE group_write',
      'COMMIT',
    ]);
    expect(resolved).toEqual(['w0', 'w1', 's', 'w2', 'w3']);
    expect(await h.rows()).toEqual(['w0', 'w1', 's', 'w2', 'w3']);
  });

  it('runs a statement on an idle queue as that statement only, and a failing one rejects without stopping the queue', async () => {
    await h.gc.statement('INSERT INTO item (name) VALUES (?)', ['s']);
    expect(h.log).toEqual(['INSERT INTO item (name) VALUES (?)']);

    const duplicate = h.gc.statement('INSERT INTO item (name) VALUES (?)', ['s']);
    const after = h.gc.run((em) => write(em, 'after').then(() => 'ok'));
    await expect(duplicate).rejects.toThrow(/SQLITE_CONSTRAINT/);
    await expect(after).resolves.toBe('ok');
    expect(await h.rows()).toEqual(['s', 'after']);
  });

  it("turns a write's own em.transaction into a savepoint, whether it runs first or inside a group, and a throw in it undoes only its part", async () => {
    const nested = (prefix: string) => async (em: EntityManager) => {
      await write(em, `${prefix}a`);
      await em.transaction((inner) => write(inner, `${prefix}b`));
      await em
        .transaction(async (inner) => {
          await write(inner, `${prefix}c`);
          throw new Error('inner');
        })
        .catch(() => undefined);
      await write(em, `${prefix}d`);
      return prefix;
    };
    const values = await Promise.all([h.gc.run(nested('x')), h.gc.run(nested('y')), h.gc.run(nested('z'))]);

    expect(values).toEqual(['x', 'y', 'z']);
    expect(await h.rows()).toEqual(['xa', 'xb', 'xd', 'ya', 'yb', 'yd', 'za', 'zb', 'zd']);
    expect(h.log.filter((sql) => sql === 'BEGIN IMMEDIATE' || sql === 'COMMIT')).toEqual(['BEGIN IMMEDIATE', 'COMMIT']);
    expect(h.log.filter((sql) => sql === 'SAVEPOINT typeorm_1')).toHaveLength(6);
    expect(h.log.filter((sql) => sql === 'ROLLBACK TO SAVEPOINT typeorm_1')).toHaveLength(3);
    expect(await h.idle()).toBe(true);
  });

  it('rolls back a whole group when undoing a failed write fails, and rejects each write', async () => {
    const own = new Error('w1 failed');
    const lost = new Error('SQLITE_IOERR: disk I/O error');
    h.failOnce('ROLLBACK TO group_write', lost);
    const w0 = h.gc.run((em) => write(em, 'w0'));
    const w1 = h.gc.run(async (em) => {
      await write(em, 'w1');
      throw own;
    });
    const w2 = h.gc.run((em) => write(em, 'w2').then(() => 2));

    expect(await Promise.allSettled([w0, w1, w2])).toEqual([
      { status: 'rejected', reason: lost },
      { status: 'rejected', reason: own },
      { status: 'fulfilled', value: 2 },
    ]);
    expect(await h.rows()).toEqual(['w2']);
    expect(await h.idle()).toBe(true);
  });

  it('closes the transaction when the ROLLBACK of a failing first write fails, and the writes behind it still commit', async () => {
    const own = new Error('w0 failed');
    h.failOnce('ROLLBACK', new Error('SQLITE_IOERR: disk I/O error'));
    const w0 = h.gc.run(async (em) => {
      await write(em, 'w0');
      throw own;
    });
    const w1 = h.gc.run((em) => write(em, 'w1').then(() => 1));

    expect(await Promise.allSettled([w0, w1])).toEqual([
      { status: 'rejected', reason: own },
      { status: 'fulfilled', value: 1 },
    ]);
    expect(await h.rows()).toEqual(['w1']);
    expect(await h.idle()).toBe(true);
  });

  it('rejects the first write when the write lock is not taken, and runs the others in the next transaction', async () => {
    const busy = new Error('SQLITE_BUSY: database is locked');
    h.beginFailure = busy;
    const w0 = h.gc.run((em) => write(em, 'w0'));
    const w1 = h.gc.run((em) => write(em, 'w1').then(() => 1));
    const w2 = h.gc.run((em) => write(em, 'w2').then(() => 2));

    expect(await Promise.allSettled([w0, w1, w2])).toEqual([
      { status: 'rejected', reason: busy },
      { status: 'fulfilled', value: 1 },
      { status: 'fulfilled', value: 2 },
    ]);
    expect(await h.rows()).toEqual(['w1', 'w2']);
  });

  it('rejects a write whose RELEASE fails, with the rest of its group, and runs the writes behind it next', async () => {
    const lost = new Error('SQLITE_IOERR: disk I/O error');
    h.failOnce('RELEASE group_write', lost);
    const w0 = track(h.gc.run((em) => write(em, 'w0')));
    const w1 = track(h.gc.run((em) => write(em, 'w1')));
    const w2 = track(h.gc.run((em) => write(em, 'w2').then(() => 2)));
    await w2.done;

    expect(outcomes(w0, w1, w2)).toEqual([
      { state: 'rejected', reason: lost },
      { state: 'rejected', reason: lost },
      { state: 'resolved', value: 2 },
    ]);
    expect(await h.rows()).toEqual(['w2']);
    expect(await h.idle()).toBe(true);
  });

  it('rejects the group when a SAVEPOINT fails, and runs the write it was for, which never ran, in the next transaction', async () => {
    const lost = new Error('SQLITE_IOERR: disk I/O error');
    h.failOnce('SAVEPOINT group_write', lost);
    const ran: string[] = [];
    const w0 = track(h.gc.run((em) => write(em, 'w0')));
    const w1 = track(
      h.gc.run(async (em) => {
        ran.push('w1');
        await write(em, 'w1');
        return 1;
      }),
    );
    const w2 = track(h.gc.run((em) => write(em, 'w2').then(() => 2)));
    await w2.done;

    expect(outcomes(w0, w1, w2)).toEqual([
      { state: 'rejected', reason: lost },
      { state: 'resolved', value: 1 },
      { state: 'resolved', value: 2 },
    ]);
    expect(ran).toEqual(['w1']);
    expect(await h.rows()).toEqual(['w1', 'w2']);
    expect(await h.idle()).toBe(true);
  });
});
