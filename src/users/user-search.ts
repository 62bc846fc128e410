import { RuleViolation } from '../errors/api-error.js';

/**
 * A subset of the Lucene syntax of Auth0's user search (search_engine=v3): `field:value`,
 * `field:"exact phrase"`, `field:prefix*`, `field:*`, ranges `field:[a TO b]` / `{a TO b}` with `*` for
 * open ends, AND / OR / NOT (and && || !), parentheses, and bare terms. Terms side by side are OR'ed,
 * as in Lucene. Matching is case-insensitive. Pure: parse once, then test each user.
 */

/** A `q` that does not parse: answered as Auth0 answers a bad query string. */
export class UserSearchError extends RuleViolation {
  constructor(reason: string) {
    super(`Query validation error: invalid q: ${reason}.`, 'invalid_query_string');
  }
}

export type QueryNode =
  | { kind: 'and' | 'or'; items: QueryNode[] }
  | { kind: 'not'; item: QueryNode }
  | { kind: 'term'; field?: string; value: string; match: 'exact' | 'prefix' | 'exists' }
  | { kind: 'range'; field: string; lo?: string; hi?: string; loInclusive: boolean; hiInclusive: boolean };

type Token = { t: '(' | ')' | 'AND' | 'OR' | 'NOT' } | { t: 'TERM'; node: QueryNode };

/** Fields a bare term (no `field:`) is looked for in. */
const DEFAULT_FIELDS = ['user_id', 'email', 'name', 'nickname', 'given_name', 'family_name'];
const MAX_QUERY_LENGTH = 2048;

export function parseUserQuery(q: string): QueryNode {
  if (q.length > MAX_QUERY_LENGTH) {
    throw new UserSearchError(`the query is longer than ${MAX_QUERY_LENGTH} characters`);
  }
  const tokens = tokenize(q);
  if (tokens.length === 0) {
    throw new UserSearchError('the query is empty');
  }
  let pos = 0;
  const peek = () => tokens[pos];
  const take = () => tokens[pos++];

  const parseOr = (): QueryNode => {
    const items = [parseAnd()];
    while (pos < tokens.length && peek().t !== ')') {
      if (peek().t === 'OR') {
        take();
      }
      items.push(parseAnd());
    }
    return items.length === 1 ? items[0] : { kind: 'or', items };
  };
  const parseAnd = (): QueryNode => {
    const items = [parseUnary()];
    while (pos < tokens.length && peek().t === 'AND') {
      take();
      items.push(parseUnary());
    }
    return items.length === 1 ? items[0] : { kind: 'and', items };
  };
  const parseUnary = (): QueryNode => {
    const tok = take();
    if (!tok) {
      throw new UserSearchError('the query ends unexpectedly');
    }
    switch (tok.t) {
      case 'NOT':
        return { kind: 'not', item: parseUnary() };
      case '(': {
        const inner = parseOr();
        if (take()?.t !== ')') {
          throw new UserSearchError('a parenthesis is not closed');
        }
        return inner;
      }
      case 'TERM':
        return tok.node;
      case ')':
      case 'AND':
      case 'OR':
        throw new UserSearchError(`unexpected "${tok.t}"`);
    }
  };

  const node = parseOr();
  if (pos !== tokens.length) {
    throw new UserSearchError('unbalanced parentheses');
  }
  return node;
}

function tokenize(q: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  const isSpace = (c: string) => /\s/.test(c);
  const readQuoted = (): string => {
    // q[i] is the opening quote.
    let s = '';
    i++;
    while (i < q.length && q[i] !== '"') {
      if (q[i] === '\\' && i + 1 < q.length) {
        i++;
      }
      s += q[i++];
    }
    if (q[i] !== '"') {
      throw new UserSearchError('a quoted value is not closed');
    }
    i++;
    return s;
  };
  const readBare = (stopAtColon: boolean): string => {
    let s = '';
    while (i < q.length && !isSpace(q[i]) && q[i] !== '(' && q[i] !== ')' && !(stopAtColon && q[i] === ':')) {
      if (q[i] === '\\' && i + 1 < q.length) {
        i++;
        s += q[i++];
        continue;
      }
      s += q[i++];
    }
    return s;
  };
  const bareTerm = (field: string | undefined, raw: string): QueryNode => {
    if (raw === '*') {
      return field ? { kind: 'term', field, value: '', match: 'exists' } : { kind: 'and', items: [] };
    }
    if (raw.startsWith('*') || raw.startsWith('?')) {
      throw new UserSearchError('leading wildcards are not supported');
    }
    if (raw.endsWith('*')) {
      return { kind: 'term', field, value: raw.slice(0, -1), match: 'prefix' };
    }
    return { kind: 'term', field, value: raw, match: 'exact' };
  };

  while (i < q.length) {
    const c = q[i];
    if (isSpace(c)) {
      i++;
    } else if (c === '(' || c === ')') {
      out.push({ t: c });
      i++;
    } else if (c === '"') {
      out.push({ t: 'TERM', node: { kind: 'term', value: readQuoted(), match: 'exact' } });
    } else if (q.startsWith('&&', i)) {
      out.push({ t: 'AND' });
      i += 2;
    } else if (q.startsWith('||', i)) {
      out.push({ t: 'OR' });
      i += 2;
    } else if (c === '!') {
      out.push({ t: 'NOT' });
      i++;
    } else {
      const word = readBare(true);
      if (q[i] !== ':') {
        if (word === 'AND' || word === 'OR' || word === 'NOT') {
          out.push({ t: word });
        } else {
          out.push({ t: 'TERM', node: bareTerm(undefined, word) });
        }
        continue;
      }
      if (!/^[A-Za-z0-9_.]+$/.test(word)) {
        throw new UserSearchError(`"${word}" is not a field name`);
      }
      i++; // the colon
      if (q[i] === '"') {
        out.push({ t: 'TERM', node: { kind: 'term', field: word, value: readQuoted(), match: 'exact' } });
      } else if (q[i] === '[' || q[i] === '{') {
        const close = q.indexOf(q[i] === '[' ? ']' : '}', i);
        const closeAny = close >= 0 ? close : Math.max(q.indexOf(']', i), q.indexOf('}', i));
        if (closeAny < 0) {
          throw new UserSearchError(`the range on ${word} is not closed`);
        }
        const m = /^(\S+)\s+TO\s+(\S+)$/.exec(q.slice(i + 1, closeAny).trim());
        if (!m) {
          throw new UserSearchError(`the range on ${word} must look like [from TO to]`);
        }
        out.push({
          t: 'TERM',
          node: {
            kind: 'range',
            field: word,
            lo: m[1] === '*' ? undefined : m[1],
            hi: m[2] === '*' ? undefined : m[2],
            loInclusive: q[i] === '[',
            hiInclusive: q[closeAny] === ']',
          },
        });
        i = closeAny + 1;
      } else {
        const raw = readBare(false);
        if (!raw) {
          throw new UserSearchError(`no value for ${word}`);
        }
        out.push({ t: 'TERM', node: bareTerm(word, raw) });
      }
    }
  }
  return out;
}

/** Values of a dotted path in a user document; arrays (identities) fan out. */
function valuesAt(doc: unknown, path: string[]): unknown[] {
  if (path.length === 0) {
    return Array.isArray(doc) ? doc : [doc];
  }
  if (Array.isArray(doc)) {
    return doc.flatMap((d) => valuesAt(d, path));
  }
  if (doc === null || typeof doc !== 'object') {
    return [];
  }
  return valuesAt((doc as Record<string, unknown>)[path[0]], path.slice(1));
}

function scalar(v: unknown): string | undefined {
  if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') {
    return String(v).toLowerCase();
  }
  return undefined;
}

function compare(a: string, b: string): number {
  const na = Number(a);
  const nb = Number(b);
  if (a !== '' && b !== '' && Number.isFinite(na) && Number.isFinite(nb)) {
    return na - nb;
  }
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Whether the user document (the Management API's user body) matches the query. */
export function matchesUserQuery(node: QueryNode, doc: Record<string, unknown>): boolean {
  switch (node.kind) {
    case 'and':
      return node.items.every((n) => matchesUserQuery(n, doc));
    case 'or':
      return node.items.some((n) => matchesUserQuery(n, doc));
    case 'not':
      return !matchesUserQuery(node.item, doc);
    case 'term': {
      const fields = node.field ? [node.field] : DEFAULT_FIELDS;
      const want = node.value.toLowerCase();
      return fields.some((f) =>
        valuesAt(doc, f.split('.')).some((v) => {
          const s = scalar(v);
          if (s === undefined) {
            return false;
          }
          return node.match === 'exists' ? s !== '' : node.match === 'prefix' ? s.startsWith(want) : s === want;
        }),
      );
    }
    case 'range':
      return valuesAt(doc, node.field.split('.')).some((v) => {
        const s = scalar(v);
        if (s === undefined) {
          return false;
        }
        const lo = node.lo?.toLowerCase();
        const hi = node.hi?.toLowerCase();
        if (lo !== undefined && (node.loInclusive ? compare(s, lo) < 0 : compare(s, lo) <= 0)) {
          return false;
        }
        if (hi !== undefined && (node.hiInclusive ? compare(s, hi) > 0 : compare(s, hi) >= 0)) {
          return false;
        }
        return true;
      });
  }
}
