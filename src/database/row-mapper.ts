import type { DataSource, EntityTarget, ObjectLiteral } from 'typeorm';

/** Turns a raw row (columns by their database names) into an entity: what TypeORM's find does, without its query builder. */
export type RowMapper<E> = (row: Record<string, unknown>) => E;

/**
 * A mapper built once from the entity's metadata: each column's database name to its property, JSON
 * columns parsed, booleans (SQLite's 0 and 1) made booleans. For hot statements written by hand.
 */
export function rowMapper<E extends ObjectLiteral>(dataSource: DataSource, target: EntityTarget<E>): RowMapper<E> {
  const metadata = dataSource.getMetadata(target);
  const columns = metadata.columns.map((c) => ({
    from: c.databaseName,
    to: c.propertyName,
    read:
      c.type === 'simple-json'
        ? (v: unknown) => (v === null ? null : JSON.parse(v as string))
        : c.type === 'boolean' || c.type === Boolean
          ? (v: unknown) => (v === null ? null : Boolean(v))
          : undefined,
  }));
  const create = () => metadata.create() as E;
  return (row) => {
    const e = create() as Record<string, unknown>;
    for (const c of columns) {
      if (c.from in row) {
        const v = row[c.from];
        e[c.to] = c.read ? c.read(v) : v;
      }
    }
    return e as E;
  };
}
