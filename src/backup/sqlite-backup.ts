import { copyFileSync, existsSync, mkdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { createRequire } from 'node:module';
import type sqlite3Types from 'sqlite3';
import { servingPid } from './database-claim.js';

const sqlite3 = createRequire(import.meta.url)('sqlite3') as typeof sqlite3Types;

export class BackupError extends Error {}

function open(path: string, mode: number): Promise<sqlite3Types.Database> {
  return new Promise((resolve, reject) => {
    const db = new sqlite3.Database(path, mode, (err) => (err ? reject(err) : resolve(db)));
  });
}

function run(db: sqlite3Types.Database, sql: string, params: unknown[] = []): Promise<void> {
  return new Promise((resolve, reject) => db.run(sql, params, (err) => (err ? reject(err) : resolve())));
}

function get<T>(db: sqlite3Types.Database, sql: string): Promise<T | undefined> {
  return new Promise((resolve, reject) => db.get(sql, (err, row) => (err ? reject(err) : resolve(row as T | undefined))));
}

function close(db: sqlite3Types.Database): Promise<void> {
  return new Promise((resolve) => db.close(() => resolve()));
}

/**
 * A consistent copy of a live SQLite database: `VACUUM INTO` reads the database inside one read
 * transaction (WAL mode: the server keeps writing meanwhile, the copy is the state at its start) and
 * writes a compact, self-contained file with no WAL beside it. Written under a temporary name and renamed,
 * so `target` is either absent or complete.
 */
export async function backupSqlite(databasePath: string, target: string): Promise<{ bytes: number }> {
  if (!existsSync(databasePath)) {
    throw new BackupError(`No database at ${databasePath}`);
  }
  if (existsSync(target)) {
    throw new BackupError(`${target} exists; choose a new file name`);
  }
  const partial = `${target}.partial-${process.pid}`;
  rmSync(partial, { force: true });
  const db = await open(databasePath, sqlite3.OPEN_READWRITE);
  try {
    await run(db, 'PRAGMA busy_timeout = 15000');
    await run(db, 'VACUUM INTO ?', [partial]);
  } catch (e) {
    rmSync(partial, { force: true });
    throw e;
  } finally {
    await close(db);
  }
  renameSync(partial, target);
  return { bytes: statSync(target).size };
}

/**
 * Puts a backup in place of the database, only while no server serves it. The backup is checked first
 * (SQLite's integrity check, and Tessera's schema present), copied beside the database and renamed over
 * it; the old WAL and shared-memory files go, since they belong to the database being replaced.
 */
export async function restoreSqlite(backup: string, databasePath: string): Promise<void> {
  const pid = servingPid(databasePath);
  if (pid !== undefined) {
    throw new BackupError(`A Tessera server (pid ${pid}) is serving ${databasePath}; stop it before restoring`);
  }
  if (!existsSync(backup)) {
    throw new BackupError(`No backup at ${backup}`);
  }
  const db = await open(backup, sqlite3.OPEN_READONLY);
  try {
    const check = await get<{ integrity_check: string }>(db, 'PRAGMA integrity_check');
    if (check?.integrity_check !== 'ok') {
      throw new BackupError(`${backup} is damaged: ${check?.integrity_check ?? 'no answer'}`);
    }
    const schema = await get<{ n: number }>(
      db,
      `SELECT COUNT(*) AS n FROM sqlite_master WHERE type = 'table' AND name IN ('tenants', 'signing_keys', 'migrations')`,
    );
    if ((schema?.n ?? 0) < 3) {
      throw new BackupError(`${backup} is not a Tessera database`);
    }
  } catch (e) {
    throw e instanceof BackupError
      ? e
      : new BackupError(`${backup} is not a SQLite database: ${e instanceof Error ? e.message : String(e)}`);
  } finally {
    await close(db);
  }
  mkdirSync(dirname(databasePath), { recursive: true });
  const incoming = `${databasePath}.restore-${process.pid}`;
  copyFileSync(backup, incoming);
  rmSync(`${databasePath}-wal`, { force: true });
  rmSync(`${databasePath}-shm`, { force: true });
  renameSync(incoming, databasePath);
}
