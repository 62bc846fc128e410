// HTTP calls of the dashboard. Everything it changes goes through the Management API (/api/v2/) with the
// signed-in token, so the server's rules and error messages are the only ones there are.

import { currentSession, endSession } from './session.js';

/** A refused request, carrying the server's own message (`message` or `error_description`). */
export class ApiError extends Error {
  constructor(status, message, body) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.body = body;
  }
}

/** Thrown when the Management API answers 401: the token expired or was never valid here. */
export class SessionExpiredError extends ApiError {}

let expiredHandler = () => undefined;
export function onSessionExpired(handler) {
  expiredHandler = handler;
}

async function readBody(res) {
  const text = await res.text();
  if (!text) {
    return undefined;
  }
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function messageOf(status, body) {
  if (body && typeof body === 'object') {
    if (typeof body.message === 'string') {
      return body.message;
    }
    if (typeof body.error_description === 'string') {
      return body.error_description;
    }
    if (typeof body.error === 'string') {
      return body.error;
    }
  }
  return `The server answered ${status}${typeof body === 'string' && body ? `: ${body.slice(0, 200)}` : ''}`;
}

/** Calls the Management API: `path` is relative to /api/v2/ (e.g. `resource-servers/abc`). */
export async function management(method, path, body) {
  const session = currentSession();
  if (!session) {
    expiredHandler();
    throw new SessionExpiredError(401, 'Your session has ended; sign in again.');
  }
  const headers = { authorization: `Bearer ${session.accessToken}`, accept: 'application/json' };
  if (body !== undefined) {
    headers['content-type'] = 'application/json';
  }
  const res = await fetch(`/api/v2/${path}`, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
    credentials: 'omit',
    cache: 'no-store',
  });
  const parsed = await readBody(res);
  if (res.status === 401) {
    endSession();
    expiredHandler();
    throw new SessionExpiredError(401, `${messageOf(401, parsed)}. Sign in again.`, parsed);
  }
  if (!res.ok) {
    throw new ApiError(res.status, messageOf(res.status, parsed), parsed);
  }
  return parsed;
}

export const get = (path) => management('GET', path);
export const post = (path, body) => management('POST', path, body ?? {});
export const patch = (path, body) => management('PATCH', path, body);
export const put = (path, body) => management('PUT', path, body);
export const del = (path) => management('DELETE', path);

/** Every item of a Management API collection, page by page (Auth0's `page`/`per_page`). */
export async function listAll(path, params = {}) {
  const all = [];
  for (let page = 0; page < 100; page += 1) {
    const query = new URLSearchParams({ ...params, page: String(page), per_page: '100' });
    const items = await get(`${path}?${query}`);
    const list = Array.isArray(items) ? items : [];
    all.push(...list);
    if (list.length < 100) {
      break;
    }
  }
  return all;
}

/**
 * True when a collection answers 404 for the route itself, i.e. this server does not have that part of
 * the Management API (yet); the page then says so instead of failing.
 */
export function isMissingRoute(error) {
  // An unmatched route answers a bare "Not Found"; a missing resource names itself in its message.
  return error instanceof ApiError && error.status === 404 && (error.message === 'Not Found' || /^Cannot [A-Z]+ /.test(error.message));
}

/** POST /oauth/token with a JSON body; errors carry the server's `error_description`. */
export async function requestToken(params) {
  const res = await fetch('/oauth/token', {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify(params),
    credentials: 'omit',
    cache: 'no-store',
  });
  const body = await readBody(res);
  if (!res.ok) {
    throw new ApiError(res.status, messageOf(res.status, body), body);
  }
  return body;
}

/** The tenant's OpenID configuration (for its issuer), resolved by this page's host like every request. */
export async function discovery() {
  const res = await fetch('/.well-known/openid-configuration', { credentials: 'omit' });
  if (!res.ok) {
    throw new ApiError(res.status, `The discovery document could not be read (HTTP ${res.status})`);
  }
  return res.json();
}

/** Path segment for an id or identifier (resource servers accept either). */
export const seg = (value) => encodeURIComponent(value);
