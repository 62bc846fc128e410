import type { ExportField } from './job.mapper.js';

/** The fields an export has when the request names none. */
export const DEFAULT_EXPORT_FIELDS: readonly ExportField[] = [
  'user_id',
  'email',
  'email_verified',
  'username',
  'name',
  'given_name',
  'family_name',
  'nickname',
  'picture',
  'blocked',
  'created_at',
  'updated_at',
  'last_login',
  'logins_count',
  'user_metadata',
  'app_metadata',
].map((name) => ({ name }));

/** `a.b`, `identities[0].connection`: a path into the user's Management API body. */
export const EXPORT_PATH = /^[A-Za-z_][A-Za-z0-9_-]*(\[\d{1,3}\])?(\.[A-Za-z0-9_$-]+(\[\d{1,3}\])?){0,9}$/;

export function isExportPath(name: string): boolean {
  return name.length <= 256 && EXPORT_PATH.test(name);
}

/** The value at `path` in `body`, or undefined. */
export function valueAt(body: unknown, path: string): unknown {
  let v: unknown = body;
  for (const part of path.split('.')) {
    const m = /^([^[]+)(?:\[(\d+)\])?$/.exec(part);
    if (!m || typeof v !== 'object' || v === null || !Object.hasOwn(v, m[1])) {
      return undefined;
    }
    v = (v as Record<string, unknown>)[m[1]];
    if (m[2] !== undefined) {
      v = Array.isArray(v) ? v[Number(m[2])] : undefined;
    }
  }
  return v;
}

const columnOf = (f: ExportField) => f.export_as ?? f.name;

/** One line of the newline-delimited JSON export: only the asked fields the user has, under their `export_as`. */
export function jsonLine(user: unknown, fields: readonly ExportField[]): string {
  const out: Record<string, unknown> = {};
  for (const f of fields) {
    const v = valueAt(user, f.name);
    if (v !== undefined) {
      out[columnOf(f)] = v;
    }
  }
  return `${JSON.stringify(out)}\n`;
}

/** RFC 4180: quoted when it holds a comma, a quote or a line break; objects as JSON. */
function csvCell(v: unknown): string {
  if (v === undefined || v === null) {
    return '';
  }
  const s = typeof v === 'object' ? JSON.stringify(v) : String(v as string | number | boolean);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function csvHeader(fields: readonly ExportField[]): string {
  return `${fields.map((f) => csvCell(columnOf(f))).join(',')}\r\n`;
}

export function csvLine(user: unknown, fields: readonly ExportField[]): string {
  return `${fields.map((f) => csvCell(valueAt(user, f.name))).join(',')}\r\n`;
}
