import { QueryFailedError } from 'typeorm';

/** Whether a write failed on a unique index (SQLite or PostgreSQL): a race another writer won. */
export function isUniqueViolation(err: unknown): boolean {
  if (!(err instanceof QueryFailedError)) {
    return false;
  }
  const code = (err.driverError as { code?: string } | undefined)?.code;
  return code === '23505' || code === 'SQLITE_CONSTRAINT' || /UNIQUE constraint failed/i.test(err.message);
}
