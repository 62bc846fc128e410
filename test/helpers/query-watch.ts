import type { INestApplication } from '@nestjs/common';
import { DataSource, type QueryRunner } from 'typeorm';
import { DbService } from '../../src/database/db.service.js';

/**
 * Statements of the pollers that run beside any request (audit log batches and the audit writer's one-time
 * probe of SQLite's jsonb_each, the jobs runner, log stream delivery, the cross-process cache check): they
 * touch tables no request path reads, and one that lands inside a watch is not the request's round trip. Nor are the savepoints SQLite's group commit puts
 * around a write that shares a transaction with another (src/database/group-commit.ts): a lone write has none.
 */
const BACKGROUND = /\b(log_events|jobs|job_files|job_errors|log_streams|cache_versions|jsonb_each)\b|^(SAVEPOINT|RELEASE) group_write$/;

/**
 * Records the SQL the app sends while `fn` runs (every query runner the DataSource hands out, including
 * SQLite's one shared runner), but for the background pollers' (BACKGROUND), so a test can assert that a
 * warm path reads nothing, or nothing from some tables. Everything is put back afterwards, so watches can
 * follow each other.
 */
export async function watchQueries(app: INestApplication, fn: () => Promise<void>): Promise<string[]> {
  const ds = app.get(DataSource);
  const seen: string[] = [];
  const patched = new Map<QueryRunner, QueryRunner['query']>();
  const original = ds.createQueryRunner.bind(ds);
  ds.createQueryRunner = ((...args: Parameters<DataSource['createQueryRunner']>) => {
    const qr = original(...args);
    if (!patched.has(qr)) {
      const query = qr.query;
      patched.set(qr, query);
      qr.query = ((sql: string, ...rest: unknown[]) => {
        if (!BACKGROUND.test(sql)) {
          seen.push(sql);
        }
        return (query as (...a: unknown[]) => Promise<unknown>).call(qr, sql, ...rest);
      }) as QueryRunner['query'];
    }
    return qr;
  }) as DataSource['createQueryRunner'];
  // SQLite's kept statements for the token exchanges (DbService.statements) bypass the query runners.
  const statements = app.get(DbService).statements;
  const kept = statements && { all: statements.all, run: statements.run };
  if (statements && kept) {
    const seeing =
      <F extends (sql: string, params: unknown[]) => Promise<unknown>>(f: F) =>
      (sql: string, params: unknown[]) => {
        if (!BACKGROUND.test(sql)) {
          seen.push(sql);
        }
        return f.call(statements, sql, params);
      };
    statements.all = seeing(kept.all) as typeof statements.all;
    statements.run = seeing(kept.run) as typeof statements.run;
  }
  try {
    await fn();
  } finally {
    if (statements && kept) {
      Object.assign(statements, kept);
    }
    ds.createQueryRunner = original;
    for (const [qr, query] of patched) {
      qr.query = query;
    }
  }
  return seen;
}
