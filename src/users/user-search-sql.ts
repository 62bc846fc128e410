import type { QueryNode } from './user-search.js';
import { matchesUserQuery } from './user-search.js';

/**
 * Compiles a parsed user search (user-search.ts) to a WHERE clause over the `users` table aliased `u`, for
 * SQLite and PostgreSQL alike, so the database filters and the server never reads more than a page.
 * Values only ever travel as parameters; field names are mapped through the table below (unknown fields
 * match nothing, as in matchesUserQuery, whose semantics this follows: case-insensitive, every leaf
 * TRUE or FALSE, never NULL, so NOT works as it does there).
 */
export type SqlDialect = 'sqlite' | 'postgres';

export interface CompiledSearch {
  sql: string;
  params: Record<string, unknown>;
}

type Field =
  /** A text column; `lower` when stored in mixed case, `nullable` when the body omits it for NULL. */
  | { kind: 'text'; column: string; lower: boolean; nullable?: boolean }
  | { kind: 'bool'; column: string }
  | { kind: 'count' }
  /** A value every user of the database connection has, decided here and not in SQL. */
  | { kind: 'constant'; value: string | boolean }
  | { kind: 'json'; column: 'user_metadata' | 'app_metadata'; path: string[] };

const TEXT: Record<string, [column: string, lower: boolean, nullable?: boolean]> = {
  user_id: ['user_id', true],
  email: ['email', false],
  name: ['name', true],
  nickname: ['nickname', true],
  given_name: ['given_name', true, true],
  family_name: ['family_name', true, true],
  picture: ['picture', true],
  created_at: ['created_at', true],
  updated_at: ['updated_at', true],
  last_login: ['last_login', true, true],
  last_ip: ['last_ip', true, true],
  last_password_reset: ['last_password_reset', true, true],
  'identities.connection': ['connection', true],
};

function fieldOf(name: string): Field | undefined {
  const text = TEXT[name];
  if (text) {
    return { kind: 'text', column: text[0], lower: text[1], nullable: text[2] };
  }
  switch (name) {
    case 'email_verified':
    case 'blocked':
      return { kind: 'bool', column: name };
    case 'logins_count':
      return { kind: 'count' };
    case 'identities.provider':
      return { kind: 'constant', value: 'auth0' };
    case 'identities.isSocial':
      return { kind: 'constant', value: false };
    case 'identities.user_id':
      // `auth0|<id>`: every user of the database connection carries the 6-character prefix.
      return { kind: 'text', column: 'substr(u.user_id, 7)', lower: true };
  }
  const m = /^(user_metadata|app_metadata)\.([A-Za-z0-9_]+(?:\.[A-Za-z0-9_]+)*)$/.exec(name);
  return m ? { kind: 'json', column: m[1] as 'user_metadata' | 'app_metadata', path: m[2].split('.') } : undefined;
}

/** Fields a bare term (no `field:`) is looked for in, as in user-search.ts. */
const DEFAULT_FIELDS = ['user_id', 'email', 'name', 'nickname', 'given_name', 'family_name'];

function escapeLike(s: string): string {
  return s.replace(/[\\%_]/g, (c) => `\\${c}`);
}

function isNumeric(s: string): boolean {
  return s !== '' && Number.isFinite(Number(s));
}

class Compiler {
  readonly params: Record<string, unknown> = {};
  private n = 0;

  constructor(private readonly dialect: SqlDialect) {}

  param(value: unknown): string {
    const name = `uq${this.n++}`;
    this.params[name] = value;
    return `:${name}`;
  }

  /** Text in code-unit order on both databases (PostgreSQL's default collation follows the locale). */
  private ordered(expr: string): string {
    return this.dialect === 'postgres' ? `(${expr}) COLLATE "C"` : expr;
  }

  node(node: QueryNode): string {
    switch (node.kind) {
      case 'and':
        return node.items.length === 0 ? '1=1' : `(${node.items.map((n) => this.node(n)).join(' AND ')})`;
      case 'or':
        return node.items.length === 0 ? '1=0' : `(${node.items.map((n) => this.node(n)).join(' OR ')})`;
      case 'not':
        return `NOT ${this.node(node.item)}`;
      case 'term': {
        const names = node.field ? [node.field] : DEFAULT_FIELDS;
        const parts = names.map((f) => this.leaf(f, node));
        return parts.length === 1 ? parts[0] : `(${parts.join(' OR ')})`;
      }
      case 'range':
        return this.leaf(node.field, node);
    }
  }

  /** One field against one term or range: a condition that is TRUE or FALSE, never NULL. */
  private leaf(name: string, node: Extract<QueryNode, { kind: 'term' | 'range' }>): string {
    const field = fieldOf(name);
    if (!field) {
      return '1=0';
    }
    switch (field.kind) {
      case 'constant':
        // Decided by the very matcher the JavaScript side uses, on the one value every user has.
        return matchesUserQuery(node, { [name.split('.')[0]]: [{ [name.split('.')[1]]: field.value }] }) ? '1=1' : '1=0';
      case 'bool': {
        const matching = [true, false].filter((b) => matchesUserQuery(node, { [name]: b }));
        return matching.length === 2 ? '1=1' : matching.length === 0 ? '1=0' : `u.${field.column} = ${matching[0] ? 'TRUE' : 'FALSE'}`;
      }
      case 'count': {
        // The body shows logins_count once a user has logged in (or has a count); otherwise it is absent.
        const present = '(u.logins_count > 0 OR u.last_login IS NOT NULL)';
        return `(${present} AND ${this.compare('u.logins_count', `CAST(u.logins_count AS VARCHAR(20))`, node, true)})`;
      }
      case 'text': {
        const column = field.column.includes('(') ? field.column : `u.${field.column}`;
        const expr = field.lower ? `lower(${column})` : column;
        const cond = this.compare(expr, expr, node, false);
        return field.nullable ? `(${column} IS NOT NULL AND ${cond})` : cond;
      }
      case 'json':
        return this.jsonLeaf(field.column, field.path, node);
    }
  }

  /**
   * A metadata value at `path` (an array's elements each, as the matcher fans arrays out) that is a scalar
   * and, lower-cased as text (booleans read `true`/`false`), satisfies the term.
   */
  private jsonLeaf(column: string, path: string[], node: Extract<QueryNode, { kind: 'term' | 'range' }>): string {
    if (this.dialect === 'postgres') {
      const v = `(CAST(u.${column} AS jsonb) #> CAST(${this.param(`{${path.join(',')}}`)} AS text[]))`;
      const text = `lower(j.e #>> '{}')`;
      return (
        `EXISTS (SELECT 1 FROM jsonb_array_elements(CASE jsonb_typeof(${v}) WHEN 'array' THEN ${v} ELSE jsonb_build_array(${v}) END) AS j(e) ` +
        `WHERE jsonb_typeof(j.e) IN ('string', 'number', 'boolean') AND ${this.compare(text, text, node, false)})`
      );
    }
    // json_each walks an array's elements, or gives a scalar back as its one row.
    const text = `lower(CASE j.type WHEN 'true' THEN 'true' WHEN 'false' THEN 'false' ELSE CAST(j.value AS TEXT) END)`;
    return (
      `EXISTS (SELECT 1 FROM json_each(u.${column}, ${this.param(`$.${path.map((k) => `"${k}"`).join('.')}`)}) AS j ` +
      `WHERE j.type IN ('text', 'integer', 'real', 'true', 'false') AND ${this.compare(text, text, node, false)})`
    );
  }

  /**
   * `expr` (compared as text) against a term or range. `numeric` is the integer column for a count, where
   * numeric bounds compare as numbers, as the matcher's compare() does.
   */
  private compare(numeric: string, text: string, node: Extract<QueryNode, { kind: 'term' | 'range' }>, isCount: boolean): string {
    if (node.kind === 'term') {
      const want = node.value.toLowerCase();
      switch (node.match) {
        case 'exists':
          return `${text} <> ''`;
        case 'prefix': {
          const like = `${text} LIKE ${this.param(`${escapeLike(want)}%`)} ESCAPE '\\'`;
          // SQLite uses no index for a case-insensitive LIKE; the same prefix as a range (implied by the
          // LIKE, so the result is the same) is an index range on the lower-cased or stored column.
          const last = want.charCodeAt(want.length - 1);
          if (this.dialect !== 'sqlite' || !(last < 0x7f)) {
            return like;
          }
          const next = want.slice(0, -1) + String.fromCharCode(last + 1);
          return `(${text} >= ${this.param(want)} AND ${text} < ${this.param(next)} AND ${like})`;
        }
        case 'exact':
          return `${text} = ${this.param(want)}`;
      }
    }
    const bounds: string[] = [];
    const bound = (value: string | undefined, op: string) => {
      if (value === undefined) {
        return;
      }
      const v = value.toLowerCase();
      bounds.push(isCount && isNumeric(v) ? `${numeric} ${op} ${this.param(Number(v))}` : `${this.ordered(text)} ${op} ${this.param(v)}`);
    };
    bound(node.lo, node.loInclusive ? '>=' : '>');
    bound(node.hi, node.hiInclusive ? '<=' : '<');
    return bounds.length === 0 ? `${text} IS NOT NULL` : `(${bounds.join(' AND ')})`;
  }
}

export function compileUserQuery(node: QueryNode, dialect: SqlDialect): CompiledSearch {
  const c = new Compiler(dialect);
  const sql = c.node(node);
  return { sql, params: c.params };
}

export type OrderTerm = [expression: string, order: 'ASC' | 'DESC', nulls?: 'NULLS LAST'];

/** The ORDER BY of a user list: the field, then user_id in the same direction, both served by one index. */
export function userOrderBy(field: string, dir: 1 | -1, dialect: SqlDialect): OrderTerm[] {
  const d = dir === 1 ? 'ASC' : 'DESC';
  const c = (col: string) => (dialect === 'postgres' && col !== 'logins_count' ? `u.${col} COLLATE "C"` : `u.${col}`);
  if (field === 'user_id') {
    return [[c('user_id'), d]];
  }
  // Users without a last login sort last whatever the direction, as the body omits the field.
  const first: OrderTerm = field === 'last_login' ? [c(field), d, 'NULLS LAST'] : [c(field), d];
  return [first, [c('user_id'), d]];
}
