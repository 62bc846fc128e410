import { ManagementError } from '../errors/api-error.js';

export interface ListQuery {
  page: number;
  perPage: number;
  paged: boolean;
  includeTotals: boolean;
  fields?: string[];
  includeFields: boolean;
  /** Checkpoint paging: `from` is an opaque cursor (an offset here), `take` a count. */
  from?: number;
  take?: number;
  filters: Record<string, string | string[]>;
}

type Raw = Record<string, unknown>;

const COMMON = ['page', 'per_page', 'include_totals', 'fields', 'include_fields', 'from', 'take'];

function bad(message: string): ManagementError {
  return ManagementError.badRequest(`Query validation error: ${message}`, 'invalid_query_string');
}

function one(raw: Raw, name: string): string | undefined {
  const v = raw[name];
  if (v === undefined) {
    return undefined;
  }
  if (typeof v !== 'string') {
    throw bad(`'${name}' must be given once.`);
  }
  return v;
}

function int(raw: Raw, name: string, min: number, max: number): number | undefined {
  const v = one(raw, name);
  if (v === undefined) {
    return undefined;
  }
  if (!/^\d+$/.test(v) || Number(v) < min || Number(v) > max) {
    throw bad(`'${name}' must be an integer from ${min} to ${max}.`);
  }
  return Number(v);
}

function bool(raw: Raw, name: string): boolean | undefined {
  const v = one(raw, name);
  if (v === undefined) {
    return undefined;
  }
  if (v !== 'true' && v !== 'false') {
    throw bad(`'${name}' must be true or false.`);
  }
  return v === 'true';
}

/** Parses Auth0's list parameters; `filters` names the endpoint's own filters (repeatable ones end with []). */
export function parseListQuery(raw: Raw, filterNames: string[] = []): ListQuery {
  const repeatable = new Set(filterNames.filter((f) => f.endsWith('[]')).map((f) => f.slice(0, -2)));
  const single = new Set(filterNames.filter((f) => !f.endsWith('[]')));
  for (const key of Object.keys(raw)) {
    if (!COMMON.includes(key) && !repeatable.has(key) && !single.has(key)) {
      throw bad(`'Additional properties not allowed: ${key}'.`);
    }
  }
  const filters: Record<string, string | string[]> = {};
  for (const name of single) {
    const v = one(raw, name);
    if (v !== undefined) {
      filters[name] = v;
    }
  }
  for (const name of repeatable) {
    const v = raw[name];
    if (v !== undefined) {
      const list = (Array.isArray(v) ? v : [v]).map(String);
      filters[name] = list.flatMap((s) => s.split(',')).filter(Boolean);
    }
  }
  const page = int(raw, 'page', 0, 100000);
  const perPage = int(raw, 'per_page', 1, 100);
  const fieldsRaw = one(raw, 'fields');
  const from = one(raw, 'from');
  if (from !== undefined && !/^\d+$/.test(from)) {
    throw bad(`'from' is not a valid checkpoint.`);
  }
  return {
    page: page ?? 0,
    perPage: perPage ?? 50,
    paged: page !== undefined || perPage !== undefined,
    includeTotals: bool(raw, 'include_totals') ?? false,
    fields: fieldsRaw ? fieldsRaw.split(',').map((f) => f.trim()).filter(Boolean) : undefined,
    includeFields: bool(raw, 'include_fields') ?? true,
    from: from === undefined ? undefined : Number(from),
    take: int(raw, 'take', 1, 100),
    filters,
  };
}

/** Keeps or drops the listed fields (`fields` + `include_fields`), as Auth0 does. */
export function projectFields<T extends object>(item: T, q: Pick<ListQuery, 'fields' | 'includeFields'>): Partial<T> {
  if (!q.fields) {
    return item;
  }
  const keep = new Set(q.fields);
  return Object.fromEntries(Object.entries(item).filter(([k]) => keep.has(k) === q.includeFields)) as Partial<T>;
}

/**
 * Pages an already-filtered list. Offset paging answers an array, or `{ <key>, start, limit, total }`
 * with include_totals; checkpoint paging (`from`/`take`) answers `{ <key>, next }`.
 */
export function pageOf<T extends object>(items: T[], q: ListQuery, key: string): unknown {
  if (q.from !== undefined || q.take !== undefined) {
    const start = q.from ?? 0;
    const take = q.take ?? 50;
    const slice = items.slice(start, start + take).map((i) => projectFields(i, q));
    const body: Record<string, unknown> = { [key]: slice };
    if (q.includeTotals) {
      Object.assign(body, { start, limit: take, total: items.length });
    }
    if (start + take < items.length) {
      body.next = String(start + take);
    }
    return body;
  }
  const start = q.paged ? q.page * q.perPage : 0;
  const limit = q.paged ? q.perPage : Math.max(items.length, 50);
  const slice = items.slice(start, start + limit).map((i) => projectFields(i, q));
  if (!q.includeTotals) {
    return slice;
  }
  return { [key]: slice, start, limit, total: items.length };
}
