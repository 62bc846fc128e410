/**
 * The one reader of HTTP Basic client credentials, shared by client authentication, the token-exchange log
 * and the rate limiter so that all three agree on who the client is. RFC 6749 §2.3.1: the id and secret
 * are form-URL-encoded before base64, so `my%2Dclient` and `my-client` name the same client.
 */
export interface BasicCredentials {
  id: string;
  secret: string;
}

/** qs/HTML form decoding: `+` is a space, then percent escapes. Throws URIError on a bad escape. */
function formDecode(s: string): string {
  return decodeURIComponent(s.replace(/\+/g, ' '));
}

/** True when the header claims the Basic scheme (whether or not what follows is well formed). */
export function isBasicAuthorization(header: string | undefined): header is string {
  return header !== undefined && /^Basic /i.test(header);
}

/** The decoded credentials of a `Basic` header; undefined when it is not Basic or is malformed. */
export function parseBasicCredentials(header: string | undefined): BasicCredentials | undefined {
  const m = header ? /^Basic +([A-Za-z0-9+/]+=*) *$/i.exec(header) : null;
  if (!m) {
    return undefined;
  }
  const decoded = Buffer.from(m[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) {
    return undefined;
  }
  try {
    return { id: formDecode(decoded.slice(0, colon)), secret: formDecode(decoded.slice(colon + 1)) };
  } catch {
    return undefined;
  }
}

/** The client id a request names: the form/JSON `client_id`, else the Basic credentials' id. */
export function requestClientId(body: unknown, authorization: string | undefined): string | undefined {
  const field = typeof body === 'object' && body !== null ? (body as Record<string, unknown>).client_id : undefined;
  if (typeof field === 'string' && field !== '') {
    return field;
  }
  const id = parseBasicCredentials(authorization)?.id;
  return id === '' ? undefined : id;
}
