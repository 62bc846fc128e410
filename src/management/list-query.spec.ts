import { ManagementError } from '../errors/api-error.js';
import { pageOf, parseFieldsQuery, parseListQuery, projectFields } from './list-query.js';

const items = Array.from({ length: 7 }, (_, i) => ({ id: `i${i}`, name: `n${i}`, extra: i }));

function queryError(fn: () => unknown): { status: number; errorCode: string; message: string } {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(ManagementError);
    const m = e as ManagementError;
    return { status: m.status, errorCode: m.errorCode, message: m.message };
  }
  throw new Error('expected a query error');
}

describe('parseListQuery + pageOf', () => {
  it('answers a plain array of at most 50 by default', () => {
    const many = Array.from({ length: 120 }, (_, i) => ({ id: i }));
    const body = pageOf(many, parseListQuery({}), 'things') as unknown[];
    expect(body).toEqual(many.slice(0, 50));
  });

  it('pages with page/per_page, and wraps with include_totals as {key, start, limit, total}', () => {
    expect(pageOf(items, parseListQuery({ page: '1', per_page: '3' }), 'things')).toEqual(items.slice(3, 6));
    expect(pageOf(items, parseListQuery({ page: '2', per_page: '3', include_totals: 'true' }), 'things')).toEqual({
      things: items.slice(6),
      start: 6,
      limit: 3,
      total: 7,
    });
    expect(pageOf(items, parseListQuery({ include_totals: 'false' }), 'things')).toEqual(items);
    expect(pageOf([], parseListQuery({ include_totals: 'true' }), 'things')).toEqual({ things: [], start: 0, limit: 50, total: 0 });
  });

  it('projects fields in lists', () => {
    expect(pageOf(items.slice(0, 2), parseListQuery({ fields: 'id, name' }), 'things')).toEqual([
      { id: 'i0', name: 'n0' },
      { id: 'i1', name: 'n1' },
    ]);
    expect(pageOf(items.slice(0, 1), parseListQuery({ fields: 'extra', include_fields: 'false' }), 'things')).toEqual([
      { id: 'i0', name: 'n0' },
    ]);
  });

  it('pages with from/take checkpoints where enabled, with a next cursor until the end', () => {
    const first = pageOf(items, parseListQuery({ take: '4' }), 'things');
    expect(first).toEqual({ things: items.slice(0, 4), next: '4' });
    expect(pageOf(items, parseListQuery({ from: '4', take: '4' }), 'things')).toEqual({ things: items.slice(4) });
    expect(queryError(() => parseListQuery({ take: '4' }, [], { checkpoint: false }))).toEqual({
      status: 400,
      errorCode: 'invalid_query_string',
      message: "Query validation error: 'Additional properties not allowed: take'.",
    });
  });

  it('reads filters, repeatable ones as lists', () => {
    const q = parseListQuery({ identifiers: ['a', 'b,c'], app_type: 'spa' }, ['identifiers[]', 'app_type']);
    expect(q.filters).toEqual({ identifiers: ['a', 'b', 'c'], app_type: 'spa' });
    expect(parseListQuery({ identifiers: 'x' }, ['identifiers[]']).filters).toEqual({ identifiers: ['x'] });
  });

  it.each([
    [{ foo: '1', bar: '2' }, "Query validation error: 'Additional properties not allowed: foo,bar'."],
    [{ page: '-1' }, "Query validation error: 'page' must be an integer from 0 to 1000000."],
    [{ page: '1.5' }, "Query validation error: 'page' must be an integer from 0 to 1000000."],
    [{ per_page: '0' }, "Query validation error: 'per_page' must be an integer from 1 to 100."],
    [{ per_page: '101' }, "Query validation error: 'per_page' must be an integer from 1 to 100."],
    [{ per_page: ['1', '2'] }, "Query validation error: 'per_page' must be given once."],
    [{ include_totals: '1' }, "Query validation error: 'include_totals' must be true or false."],
    [{ include_fields: 'yes' }, "Query validation error: 'include_fields' must be true or false."],
    [{ from: 'abc' }, "Query validation error: 'from' is not a valid checkpoint."],
  ])('refuses %j', (raw, message) => {
    expect(queryError(() => parseListQuery(raw))).toEqual({ status: 400, errorCode: 'invalid_query_string', message });
  });
});

describe('parseFieldsQuery + projectFields', () => {
  it('accepts only fields and include_fields', () => {
    expect(parseFieldsQuery({ fields: 'a,b' })).toEqual({ fields: ['a', 'b'], includeFields: true });
    expect(queryError(() => parseFieldsQuery({ page: '1' })).message).toBe(
      "Query validation error: 'Additional properties not allowed: page'.",
    );
  });

  it('keeps everything without fields, and ignores unknown field names', () => {
    const item = { a: 1, b: 2 };
    expect(projectFields(item, { includeFields: true })).toBe(item);
    expect(projectFields(item, { fields: ['a', 'zzz'], includeFields: true })).toEqual({ a: 1 });
    expect(projectFields(item, { fields: ['a'], includeFields: false })).toEqual({ b: 2 });
  });
});
