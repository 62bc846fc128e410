// Reads what a token is without any key: the JOSE header (and claims, for a signed JWT) are only
// base64url-encoded. Nothing here verifies a signature; the panel says so.

function decodeSegment(segment) {
  const base64 = segment.replace(/-/g, '+').replace(/_/g, '/').padEnd(Math.ceil(segment.length / 4) * 4, '=');
  const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
  return JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
}

const B64URL = /^[A-Za-z0-9_-]*$/;

/**
 * What a token is:
 * - `{ kind: 'jws', header, claims }` for a signed JWT (RFC 7515 compact, three parts);
 * - `{ kind: 'jwe', header }` for an encrypted token (RFC 7516 compact, five parts): only its protected
 *   header can be read, the claims are for the API holding the private key;
 * - `{ kind: 'opaque' }` for anything else, such as a reference token checked at /oauth/introspect.
 */
export function inspectToken(token) {
  const parts = String(token).split('.');
  if ((parts.length === 3 || parts.length === 5) && parts.every((p) => B64URL.test(p)) && parts[0]) {
    try {
      const header = decodeSegment(parts[0]);
      if (header && typeof header === 'object' && !Array.isArray(header)) {
        if (parts.length === 5) {
          return { kind: 'jwe', header };
        }
        const claims = decodeSegment(parts[1]);
        if (claims && typeof claims === 'object' && !Array.isArray(claims)) {
          return { kind: 'jws', header, claims };
        }
      }
    } catch {
      // Not JSON inside: treat it as opaque.
    }
  }
  return { kind: 'opaque' };
}
