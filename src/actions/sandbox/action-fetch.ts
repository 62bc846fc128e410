import { lookup } from 'node:dns/promises';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG } from '../../config/config.module.js';
import type { AppConfig } from '../../config/app-config.js';
import { refusedAddress } from './address-policy.js';

/** Limits of an action's `fetch`, on top of the action's wall time that bounds every request. */
export const FETCH_LIMITS = {
  /** Requests per action run (each redirect followed counts within its request). */
  perRun: 10,
  /** Redirects followed per request, each hop checked like the first. */
  redirects: 3,
  /** Response body, bytes. */
  responseBytes: 1024 * 1024,
  /** Request body, bytes. */
  requestBytes: 256 * 1024,
  urlLength: 8 * 1024,
  headers: 100,
} as const;

/** What the isolate asks for: plain data, read as untrusted. */
export interface FetchRequest {
  url: string;
  method: string;
  headers: [string, string][];
  body?: string;
  redirect: 'follow' | 'manual' | 'error';
}

/** What goes back into the isolate, as JSON. */
export interface FetchResult {
  status: number;
  statusText: string;
  url: string;
  redirected: boolean;
  headers: [string, string][];
  body: string;
}

/** Performs one request for an action; rejects with a message the action may read. */
export type HostFetch = (request: FetchRequest, signal: AbortSignal) => Promise<FetchResult>;

/** A request an action may not make, or one that failed: its message is shown to the action. */
export class FetchError extends Error {}

const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);
const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
/** Headers the host sets itself, or that would steer the connection rather than describe the request. */
const HOST_HEADERS = new Set([
  'host',
  'content-length',
  'transfer-encoding',
  'connection',
  'keep-alive',
  'upgrade',
  'te',
  'trailer',
  'expect',
]);
const REDIRECTS = new Set([301, 302, 303, 307, 308]);

/** Checks the isolate's request: right types and sizes, a known method, plain header names and values. */
export function readFetchRequest(raw: unknown): FetchRequest {
  const r = (typeof raw === 'object' && raw !== null ? raw : {}) as Record<string, unknown>;
  if (typeof r.url !== 'string' || r.url.length > FETCH_LIMITS.urlLength) {
    throw new FetchError(`fetch needs a URL of at most ${FETCH_LIMITS.urlLength} characters`);
  }
  const method = typeof r.method === 'string' ? r.method.toUpperCase() : 'GET';
  if (!METHODS.has(method)) {
    throw new FetchError(`fetch does not support the method ${JSON.stringify(String(r.method).slice(0, 20))}`);
  }
  const headers: [string, string][] = [];
  for (const h of Array.isArray(r.headers) ? (r.headers as unknown[]) : []) {
    const [name, value] = Array.isArray(h) ? (h as unknown[]) : [];
    if (typeof name !== 'string' || typeof value !== 'string' || !TOKEN.test(name) || /[\0\r\n]/.test(value)) {
      throw new FetchError('fetch headers must be names and values without line breaks');
    }
    if (HOST_HEADERS.has(name.toLowerCase()) || name.toLowerCase().startsWith('proxy-')) {
      throw new FetchError(`fetch may not set the header ${name}`);
    }
    headers.push([name, value]);
  }
  if (headers.length > FETCH_LIMITS.headers) {
    throw new FetchError(`fetch takes at most ${FETCH_LIMITS.headers} headers`);
  }
  let body: string | undefined;
  if (r.body !== undefined && r.body !== null) {
    if (typeof r.body !== 'string') {
      throw new FetchError('fetch takes a string body');
    }
    if (method === 'GET' || method === 'HEAD') {
      throw new FetchError(`A ${method} request cannot have a body`);
    }
    if (Buffer.byteLength(r.body) > FETCH_LIMITS.requestBytes) {
      throw new FetchError(`The request body is larger than ${FETCH_LIMITS.requestBytes / 1024} KB`);
    }
    body = r.body;
  }
  const redirect = r.redirect ?? 'follow';
  if (redirect !== 'follow' && redirect !== 'manual' && redirect !== 'error') {
    throw new FetchError("fetch's redirect must be 'follow', 'manual' or 'error'");
  }
  return { url: r.url, method, headers, body, redirect };
}

/**
 * The host side of an action's `fetch`: Node's http/https, public addresses only. The host name is resolved
 * here, every address it resolves to must be public (unless `ACTIONS_FETCH_ALLOWED_HOSTS` names the
 * host:port), and the socket connects to the address that was checked, so DNS cannot answer differently
 * in between. Redirects are followed by the same checks, at most 3 hops; no connection is reused.
 */
@Injectable()
export class ActionFetcher {
  private readonly allowed: Set<string>;

  constructor(@Inject(APP_CONFIG) config: Pick<AppConfig, 'actionsFetchAllowedHosts'>) {
    this.allowed = new Set(config.actionsFetchAllowedHosts);
  }

  readonly fetch: HostFetch = async (request, signal) => {
    let current = request;
    for (let hop = 0; ; hop += 1) {
      const res = await this.once(current, signal);
      const location = res.headers.location;
      if (!REDIRECTS.has(res.statusCode ?? 0) || location === undefined || current.redirect === 'manual') {
        const body = await readBody(res, current.method);
        return {
          status: res.statusCode ?? 0,
          statusText: res.statusMessage ?? '',
          url: current.url,
          redirected: hop > 0,
          headers: headerPairs(res),
          body,
        };
      }
      res.resume();
      if (current.redirect === 'error') {
        throw new FetchError(`fetch to ${current.url} was redirected, and redirect is 'error'`);
      }
      if (hop >= FETCH_LIMITS.redirects) {
        throw new FetchError(`fetch followed more than ${FETCH_LIMITS.redirects} redirects`);
      }
      current = redirected(current, location, res.statusCode ?? 0);
    }
  };

  private async once(req: FetchRequest, signal: AbortSignal): Promise<IncomingMessage> {
    let url: URL;
    try {
      url = new URL(req.url);
    } catch {
      throw new FetchError(`fetch needs an absolute URL (got ${JSON.stringify(req.url.slice(0, 100))})`);
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      throw new FetchError(`fetch reaches only http and https URLs (got ${url.protocol})`);
    }
    if (url.username || url.password) {
      throw new FetchError('fetch URLs may not hold credentials');
    }
    const host = url.hostname;
    const port = url.port || (url.protocol === 'https:' ? '443' : '80');
    const address = await this.checkedAddress(host, `${host}:${port}`);
    const pinned: LookupFunction = (_name, options, callback) => {
      if (options.all) {
        callback(null, [address]);
      } else {
        callback(null, address.address, address.family);
      }
    };
    const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
    return new Promise<IncomingMessage>((resolve, reject) => {
      const outgoing = send(url, {
        method: req.method,
        headers: Object.fromEntries(req.headers.map(([k, v]) => [k.toLowerCase(), v])),
        lookup: pinned,
        agent: false,
        signal,
      });
      outgoing.on('response', resolve);
      outgoing.on('error', (e) =>
        reject(new FetchError(`fetch to ${url.origin} failed: ${signal.aborted ? 'the action ran out of time' : e.message}`)),
      );
      outgoing.end(req.body);
    });
  }

  /** The address to connect to: the literal, or the first of what DNS gives, all of them checked. */
  private async checkedAddress(host: string, hostPort: string): Promise<{ address: string; family: number }> {
    const literal = host.startsWith('[') ? host.slice(1, -1) : host;
    let addresses: { address: string; family: number }[];
    if (isIP(literal)) {
      addresses = [{ address: literal, family: isIP(literal) }];
    } else {
      try {
        addresses = await lookup(literal, { all: true, verbatim: true });
      } catch {
        throw new FetchError(`fetch could not resolve ${host}`);
      }
    }
    if (addresses.length === 0) {
      throw new FetchError(`fetch could not resolve ${host}`);
    }
    if (!this.allowed.has(hostPort)) {
      for (const a of addresses) {
        const why = refusedAddress(a.address);
        if (why) {
          throw new FetchError(
            `fetch to ${host} refused: it resolves to ${a.address}, a ${why} address; actions may reach only public addresses`,
          );
        }
      }
    }
    return addresses[0];
  }
}

/** The next hop's request, as WHATWG fetch builds it: 303 (and 301/302 after a POST) become a GET without body. */
function redirected(req: FetchRequest, location: string, status: number): FetchRequest {
  let next: URL;
  try {
    next = new URL(location, req.url);
  } catch {
    throw new FetchError('fetch was redirected to an invalid URL');
  }
  const toGet = status === 303 ? req.method !== 'HEAD' : (status === 301 || status === 302) && req.method === 'POST';
  const sameOrigin = next.origin === new URL(req.url).origin;
  const headers = req.headers.filter(([k]) => {
    const name = k.toLowerCase();
    return (sameOrigin || (name !== 'authorization' && name !== 'cookie')) && !(toGet && name.startsWith('content-'));
  });
  return { ...req, url: next.href, method: toGet ? 'GET' : req.method, body: toGet ? undefined : req.body, headers };
}

function headerPairs(res: IncomingMessage): [string, string][] {
  const pairs: [string, string][] = [];
  for (let i = 0; i + 1 < res.rawHeaders.length; i += 2) {
    pairs.push([res.rawHeaders[i].toLowerCase(), res.rawHeaders[i + 1]]);
  }
  return pairs;
}

async function readBody(res: IncomingMessage, method: string): Promise<string> {
  if (method === 'HEAD') {
    res.resume();
    return '';
  }
  const declared = Number(res.headers['content-length']);
  if (declared > FETCH_LIMITS.responseBytes) {
    res.destroy();
    throw new FetchError(`The response body is larger than ${FETCH_LIMITS.responseBytes / 1024 / 1024} MB`);
  }
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of res) {
      size += (chunk as Buffer).length;
      if (size > FETCH_LIMITS.responseBytes) {
        res.destroy();
        throw new FetchError(`The response body is larger than ${FETCH_LIMITS.responseBytes / 1024 / 1024} MB`);
      }
      chunks.push(chunk as Buffer);
    }
  } catch (e) {
    throw e instanceof FetchError ? e : new FetchError(`fetch could not read the response: ${(e as Error).message}`);
  }
  return Buffer.concat(chunks).toString('utf8');
}
