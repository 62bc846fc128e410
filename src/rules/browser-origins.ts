/**
 * Which browser origins may read a client's responses (CORS) or receive its `web_message` responses.
 * Pure functions, no I/O.
 *
 * Auth0's rules: a client's CORS origins are its `allowed_origins`, its `web_origins`, and the origins of
 * its `callbacks` ("by default, all your callback URLs will be allowed"); `web_message` goes only to a
 * `web_origins` entry. A pattern may be a wildcard as the leftmost host label (`https://*.example.com`),
 * which matches one or more labels in its place but not the bare domain, with the same scheme and port.
 */

export interface ClientOrigins {
  callbacks: readonly string[];
  webOrigins: readonly string[];
  allowedOrigins: readonly string[];
}

/** The serialised origin of an http(s) URL or origin, or undefined for anything else. */
export function originOf(url: string): string | undefined {
  try {
    const u = new URL(url);
    return u.protocol === 'http:' || u.protocol === 'https:' ? u.origin : undefined;
  } catch {
    return undefined;
  }
}

/** Whether `origin` (what a browser sends: scheme://host[:port]) matches a registered URL or pattern. */
export function originMatches(pattern: string, origin: string): boolean {
  const wanted = originOf(origin);
  // Only a bare origin counts: a browser never sends a path, a default port or upper case.
  if (!wanted || stripSlash(origin) !== wanted) {
    return false;
  }
  const wild = /^(https?:\/\/)\*\.(.+)$/i.exec(pattern);
  if (!wild) {
    return originOf(pattern) === wanted;
  }
  // Resolve the pattern with a placeholder label, then compare scheme, port and the host's suffix.
  const base = originOf(`${wild[1]}wildcard.${wild[2]}`);
  if (!base) {
    return false;
  }
  const p = new URL(base);
  const o = new URL(wanted);
  const suffix = p.hostname.slice('wildcard'.length); // ".example.com"
  return (
    p.protocol === o.protocol &&
    p.port === o.port &&
    o.hostname.endsWith(suffix) &&
    o.hostname.length > suffix.length &&
    !o.hostname.slice(0, -suffix.length).includes('[')
  );
}

function stripSlash(s: string): string {
  return s.endsWith('/') ? s.slice(0, -1) : s;
}

/** CORS: the client's allowed_origins, web_origins and the origins of its callbacks. */
export function clientAllowsOrigin(client: ClientOrigins, origin: string): boolean {
  return (
    client.allowedOrigins.some((p) => originMatches(p, origin)) ||
    client.webOrigins.some((p) => originMatches(p, origin)) ||
    client.callbacks.some((p) => originMatches(p, origin))
  );
}

/** `response_mode=web_message`: the redirect_uri's origin must be one of the client's web_origins. */
export function webMessageOriginAllowed(webOrigins: readonly string[], origin: string): boolean {
  return webOrigins.some((p) => originMatches(p, origin));
}

/** Whether a request's `Origin` is the server's own (the Host it was sent to): no CORS decision needed. */
export function isSameOrigin(origin: string, host: string | undefined): boolean {
  const o = originOf(origin);
  return o !== undefined && host !== undefined && new URL(o).host === host.toLowerCase();
}
