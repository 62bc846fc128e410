/** Cookie parsing and writing without a dependency: RFC 6265 name=value pairs. */

export interface CookieSpec {
  name: string;
  value: string;
  /** Seconds; 0 deletes the cookie, undefined makes it a browser-session cookie. */
  maxAge?: number;
  secure: boolean;
}

export function parseCookies(header: string | undefined): Map<string, string> {
  const out = new Map<string, string>();
  if (!header) {
    return out;
  }
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq <= 0) {
      continue;
    }
    const name = part.slice(0, eq).trim();
    let value = part.slice(eq + 1).trim();
    if (value.startsWith('"') && value.endsWith('"')) {
      value = value.slice(1, -1);
    }
    if (!out.has(name)) {
      try {
        out.set(name, decodeURIComponent(value));
      } catch {
        out.set(name, value);
      }
    }
  }
  return out;
}

/** Always HttpOnly, SameSite=Lax and Path=/; Secure when the issuer is https. */
export function serializeCookie(c: CookieSpec): string {
  const parts = [`${c.name}=${encodeURIComponent(c.value)}`, 'Path=/', 'HttpOnly', 'SameSite=Lax'];
  if (c.maxAge !== undefined) {
    parts.push(`Max-Age=${Math.max(0, Math.floor(c.maxAge))}`);
    if (c.maxAge <= 0) {
      parts.push('Expires=Thu, 01 Jan 1970 00:00:00 GMT');
    }
  }
  if (c.secure) {
    parts.push('Secure');
  }
  return parts.join('; ');
}
