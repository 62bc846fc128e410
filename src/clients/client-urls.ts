/**
 * URL rules for a client's `callbacks`, `allowed_logout_urls`, `web_origins` and `allowed_origins`.
 * Pure functions, no I/O; the Management DTOs call them and so can the authorize endpoint.
 *
 * Auth0 accepts absolute URLs, custom schemes for native apps (`com.example.app://callback`) and a
 * wildcard only as the leftmost label of the host (`https://*.example.com/callback`).
 */

export type ClientUrlKind = 'callback' | 'logout' | 'origin';

export const MAX_CLIENT_URL_LENGTH = 2048;

/** Schemes that would run code or read local data in the browser instead of navigating. */
const FORBIDDEN_SCHEMES = new Set(['javascript', 'data', 'vbscript', 'file', 'blob', 'about']);

/** Why `value` is not a valid `kind` URL, or undefined when it is. */
export function clientUrlProblem(value: unknown, kind: ClientUrlKind): string | undefined {
  if (typeof value !== 'string' || value.length === 0) {
    return 'must be a non-empty string';
  }
  if (value.length > MAX_CLIENT_URL_LENGTH) {
    return `must be at most ${MAX_CLIENT_URL_LENGTH} characters`;
  }
  // eslint-disable-next-line no-control-regex
  if (/[\s\u0000-\u001f\u007f\\]/.test(value)) {
    return 'must not contain white space, control characters or backslashes';
  }
  const scheme = /^([a-zA-Z][a-zA-Z0-9+.-]*):/.exec(value)?.[1]?.toLowerCase();
  if (!scheme) {
    return 'must be an absolute URL with a scheme';
  }
  if (FORBIDDEN_SCHEMES.has(scheme)) {
    return `the "${scheme}:" scheme is not allowed`;
  }

  const wildcards = value.split('*').length - 1;
  let candidate = value;
  if (wildcards > 0) {
    // Only `<scheme>://*.<domain>...`: one wildcard, as the whole leftmost host label.
    const m = /^([a-zA-Z][a-zA-Z0-9+.-]*:\/\/)\*\.([^/?#*]+)(.*)$/.exec(value);
    if (wildcards > 1 || !m || !m[2].includes('.') || m[3].includes('*')) {
      return 'may use a wildcard only as the leftmost label of the host (https://*.example.com)';
    }
    candidate = `${m[1]}wildcard.${m[2]}${m[3]}`;
  }

  let url: URL;
  try {
    url = new URL(candidate);
  } catch {
    return 'is not a valid URL';
  }
  const web = scheme === 'http' || scheme === 'https';
  if (web && !url.hostname) {
    return 'must name a host';
  }
  if (url.username || url.password) {
    return 'must not contain user information';
  }

  switch (kind) {
    case 'callback':
      // RFC 6749 §3.1.2: the redirection endpoint URI MUST NOT include a fragment component.
      if (value.includes('#')) {
        return 'must not contain a fragment';
      }
      return undefined;
    case 'logout':
      return undefined;
    case 'origin':
      if (!/^[a-zA-Z][a-zA-Z0-9+.-]*:\/\/[^/?#]+\/?$/.test(value)) {
        return 'must be an origin (scheme://host[:port]) without path, query or fragment';
      }
      return undefined;
  }
}
