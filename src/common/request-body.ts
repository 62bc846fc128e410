import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import qs from 'qs';

/*
 * A reader for the bodies of the token endpoint's hot path, which does not go through Express. It gives
 * exactly what the app's Express parsers (`json` and `urlencoded`, as configureApp sets them up) give,
 * and fails with their errors, for the requests it accepts; every other request goes to Express.
 * `request-body.spec.ts` checks the equivalence against those parsers.
 */

/** Mirrors configureApp's urlencoded `parameterLimit`. */
export const FORM_PARAMETER_LIMIT = 200;

/** An error in body-parser's shape (`status`, `type`), so ApiErrorFilter renders it as it renders theirs. */
export class BodyError extends Error {
  constructor(
    readonly status: number,
    readonly type: string,
    message: string,
  ) {
    super(message);
  }
}

export type SimpleBodyKind = 'form' | 'json';

const SIMPLE_TYPE = /^application\/(json|x-www-form-urlencoded)(?:; ?charset=(?:utf-8|"utf-8"))?$/i;

/**
 * The kind of body this reader handles for these headers, or undefined when only Express's parsers
 * should read it: a form or JSON body in UTF-8, not compressed, with a Content-Length within `limit`.
 */
export function simpleBodyKind(headers: IncomingHttpHeaders, limit: number): SimpleBodyKind | undefined {
  const type = headers['content-type'];
  const length = headers['content-length'];
  if (
    type === undefined ||
    length === undefined ||
    headers['content-encoding'] !== undefined ||
    headers['transfer-encoding'] !== undefined
  ) {
    return undefined;
  }
  const m = SIMPLE_TYPE.exec(type);
  if (!m || !/^\d{1,9}$/.test(length) || Number(length) > limit) {
    return undefined;
  }
  return m[1].length === 4 ? 'json' : 'form';
}

/** Reads and parses a body `simpleBodyKind` accepted. */
export async function readSimpleBody(req: IncomingMessage, kind: SimpleBodyKind): Promise<unknown> {
  let text = (await readRaw(req)).toString('utf8');
  // body-parser decodes with iconv-lite, which drops a leading byte order mark.
  if (text.charCodeAt(0) === 0xfeff) {
    text = text.slice(1);
  }
  return kind === 'json' ? parseJsonBody(text) : parseFormBody(text);
}

function readRaw(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks)));
    req.on('error', () => reject(new BodyError(400, 'request.aborted', 'request aborted')));
  });
}

// eslint-disable-next-line no-control-regex -- JSON's white space (RFC 8259 §2) is these control characters
const FIRST_NON_WHITESPACE = /^[\x20\x09\x0a\x0d]*([^\x20\x09\x0a\x0d]|$)/;

/** body-parser's strict JSON: `{}` when empty, else an object or array. */
export function parseJsonBody(text: string): unknown {
  if (text.length === 0) {
    return {};
  }
  const first = FIRST_NON_WHITESPACE.exec(text)?.[1];
  if (first !== '{' && first !== '[') {
    throw new BodyError(400, 'entity.parse.failed', 'Unexpected token');
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (e) {
    throw new BodyError(400, 'entity.parse.failed', e instanceof Error ? e.message : 'Invalid JSON');
  }
}

/** Brackets (also percent-encoded) give a key structure in qs; such bodies are left to qs itself. */
const STRUCTURED = /[[\]]|%5[bd]/i;

/**
 * body-parser's urlencoded with `extended: false` (qs at depth 0). Plain `key=value` pairs, the only
 * thing OAuth clients send, are parsed here; any body with brackets is handed to qs with body-parser's
 * own options.
 */
export function parseFormBody(text: string): Record<string, unknown> {
  if (text.length === 0) {
    return {};
  }
  let count = 0;
  let index = -1;
  do {
    if (++count > FORM_PARAMETER_LIMIT) {
      throw new BodyError(413, 'parameters.too.many', 'too many parameters');
    }
    index = text.indexOf('&', index + 1);
  } while (index !== -1);

  if (STRUCTURED.test(text)) {
    return parseWithQs(text, count);
  }
  const out: Record<string, string | string[]> = {};
  for (const part of text.split('&')) {
    const eq = part.indexOf('=');
    const key = decodeFormComponent(eq === -1 ? part : part.slice(0, eq));
    if (key === '' || key === '__proto__') {
      continue;
    }
    const value = eq === -1 ? '' : decodeFormComponent(part.slice(eq + 1));
    const prev = Object.hasOwn(out, key) ? out[key] : undefined;
    out[key] = prev === undefined ? value : Array.isArray(prev) ? [...prev, value] : [prev, value];
  }
  return out;
}

/** qs's decoder: `+` is a space; a malformed escape leaves the text as it was. */
function decodeFormComponent(s: string): string {
  const spaced = s.indexOf('+') === -1 ? s : s.replace(/\+/g, ' ');
  if (spaced.indexOf('%') === -1) {
    return spaced;
  }
  try {
    return decodeURIComponent(spaced);
  } catch {
    return spaced;
  }
}

function parseWithQs(text: string, count: number): Record<string, unknown> {
  try {
    return qs.parse(text, {
      allowPrototypes: true,
      arrayLimit: count,
      depth: 0,
      charset: 'utf-8',
      parameterLimit: FORM_PARAMETER_LIMIT,
      strictDepth: true,
    }) as Record<string, unknown>;
  } catch (e) {
    if (e instanceof RangeError) {
      throw new BodyError(400, 'querystring.parse.rangeError', 'The input exceeded the depth');
    }
    throw e;
  }
}
