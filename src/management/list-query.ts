import type { ObjectLiteral, SelectQueryBuilder } from 'typeorm';
import { ManagementError } from '../errors/api-error.js';

/** `fields` + `include_fields`: which properties of each item a response keeps. */
export interface FieldsQuery {
  fields?: string[];
  includeFields: boolean;
}

export interface ListQuery extends FieldsQuery {
  page: number;
  perPage: number;
  /** True when `page` or `per_page` was given. */
  paged: boolean;
  includeTotals: boolean;
  /** Checkpoint paging: `from` is an opaque cursor (an offset here), `take` a count. */
  from?: number;
  take?: number;
  filters: Record<string, string | string[]>;
}

export interface ListQueryOptions {
  /** Accept Auth0's checkpoint paging (`from`, `take`); only on collections where Auth0 has it. Default true. */
  checkpoint?: boolean;
}

type Raw = Record<string, unknown>;

/** Auth0's default and largest page sizes. */
export const DEFAULT_PER_PAGE = 50;
export const MAX_PER_PAGE = 100;

const OFFSET = ['page', 'per_page', 'include_totals'];
const FIELDS = ['fields', 'include_fields'];
const CHECKPOINT = ['from', 'take'];

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
  if (!/^\d{1,9}$/.test(v) || Number(v) < min || Number(v) > max) {
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

function assertKnown(raw: Raw, allowed: Set<string>): void {
  const unknown = Object.keys(raw).filter((k) => !allowed.has(k));
  if (unknown.length > 0) {
    throw bad(`'Additional properties not allowed: ${unknown.join(',')}'.`);
  }
}

function readFields(raw: Raw): FieldsQuery {
  const fields = one(raw, 'fields');
  return {
    fields: fields
      ? fields
          .split(',')
          .map((f) => f.trim())
          .filter(Boolean)
      : undefined,
    includeFields: bool(raw, 'include_fields') ?? true,
  };
}

/** Parses `fields`/`include_fields` for an endpoint that returns one object (GET by id, tenant settings). */
export function parseFieldsQuery(raw: Raw): FieldsQuery {
  assertKnown(raw, new Set(FIELDS));
  return readFields(raw);
}

/**
 * Parses Auth0's list parameters (`page`, `per_page`, `include_totals`, `fields`, `include_fields`, and
 * `from`/`take` unless `checkpoint: false`). `filterNames` are the endpoint's own filters; repeatable ones
 * end with `[]` (`identifiers[]` reads `?identifiers=a&identifiers=b`, and comma lists). Anything else is a 400.
 */
export function parseListQuery(raw: Raw, filterNames: string[] = [], opts: ListQueryOptions = {}): ListQuery {
  const checkpoint = opts.checkpoint ?? true;
  const repeatable = new Set(filterNames.filter((f) => f.endsWith('[]')).map((f) => f.slice(0, -2)));
  const single = new Set(filterNames.filter((f) => !f.endsWith('[]')));
  assertKnown(raw, new Set([...OFFSET, ...FIELDS, ...(checkpoint ? CHECKPOINT : []), ...repeatable, ...single]));

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
  const from = checkpoint ? one(raw, 'from') : undefined;
  if (from !== undefined && !/^\d{1,9}$/.test(from)) {
    throw bad(`'from' is not a valid checkpoint.`);
  }
  const page = int(raw, 'page', 0, 1000000);
  const perPage = int(raw, 'per_page', 1, MAX_PER_PAGE);
  return {
    page: page ?? 0,
    perPage: perPage ?? DEFAULT_PER_PAGE,
    paged: page !== undefined || perPage !== undefined,
    includeTotals: bool(raw, 'include_totals') ?? false,
    ...readFields(raw),
    from: from === undefined ? undefined : Number(from),
    take: checkpoint ? int(raw, 'take', 1, MAX_PER_PAGE) : undefined,
    filters,
  };
}

/** Keeps or drops the listed fields (`fields` + `include_fields`), as Auth0 does. */
export function projectFields<T extends object>(item: T, q: FieldsQuery): Partial<T> {
  if (!q.fields) {
    return item;
  }
  const keep = new Set(q.fields);
  return Object.fromEntries(Object.entries(item).filter(([k]) => keep.has(k) === q.includeFields)) as Partial<T>;
}

/**
 * Pages an already-filtered list held in memory: only for lists bounded by construction (a handful of
 * keys, tenants); a table that grows with use pages in the database with pageQuery. Offset paging
 * answers an array, or `{ <key>, start, limit, total }` with include_totals; checkpoint paging
 * (`from`/`take`) answers `{ <key>, next? }`.
 */
export function pageOf<T extends object>(items: T[], q: ListQuery, key: string): unknown {
  if (q.from !== undefined || q.take !== undefined) {
    const start = q.from ?? 0;
    const take = q.take ?? DEFAULT_PER_PAGE;
    const body: Record<string, unknown> = { [key]: items.slice(start, start + take).map((i) => projectFields(i, q)) };
    if (start + take < items.length) {
      body.next = String(start + take);
    }
    return body;
  }
  const start = q.page * q.perPage;
  const slice = items.slice(start, start + q.perPage).map((i) => projectFields(i, q));
  if (!q.includeTotals) {
    return slice;
  }
  return { [key]: slice, start, limit: q.perPage, total: items.length };
}

/**
 * Pages a filtered, ordered query in the database, with pageOf's answers: only the page's rows are read
 * (one more for checkpoint paging, to know whether there is a `next`), and include_totals is a COUNT.
 * `map` turns just those rows into response items.
 */
export async function pageQuery<E extends ObjectLiteral, T extends object>(
  qb: SelectQueryBuilder<E>,
  q: ListQuery,
  key: string,
  map: (rows: E[]) => T[] | Promise<T[]>,
): Promise<unknown> {
  if (q.from !== undefined || q.take !== undefined) {
    const start = q.from ?? 0;
    const take = q.take ?? DEFAULT_PER_PAGE;
    const rows = await qb
      .offset(start)
      .limit(take + 1)
      .getMany();
    const body: Record<string, unknown> = { [key]: (await map(rows.slice(0, take))).map((i) => projectFields(i, q)) };
    if (rows.length > take) {
      body.next = String(start + take);
    }
    return body;
  }
  const start = q.page * q.perPage;
  const total = q.includeTotals ? await qb.clone().getCount() : 0;
  const items = (await map(await qb.offset(start).limit(q.perPage).getMany())).map((i) => projectFields(i, q));
  return q.includeTotals ? { [key]: items, start, limit: q.perPage, total } : items;
}
