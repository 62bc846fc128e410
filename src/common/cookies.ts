/** Cookie parsing and writing without a dependency: RFC 6265 name=value pairs. */

export interface CookieSpec {
  name: string;
  value: string;
  /** Seconds; 0 deletes the cookie, undefined makes it a browser-session cookie. */
  maxAge?: number;
  secure: boolean;
  /**
   * Must reach Tessera inside a cross-site iframe (the login session, for prompt=none silent renewal):
   * `SameSite=None` when Secure, plus a `<name>_compat` copy without SameSite for browsers that reject
   * None (as Auth0 does). On plain http it stays Lax: only same-site apps (localhost) can use it.
   */
  crossSite?: boolean;
}

/** Suffix of the fallback copy of a cross-site cookie; parseCookies reads it when the main one is missing. */
export const COMPAT_SUFFIX = '_compat';

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
  for (const [name, value] of [...out]) {
    const base = name.endsWith(COMPAT_SUFFIX) ? name.slice(0, -COMPAT_SUFFIX.length) : undefined;
    if (base && !out.has(base)) {
      out.set(base, value);
    }
  }
  return out;
}

/** The Set-Cookie values for a cookie: one, or two for a cross-site cookie on https. */
export function serializeCookies(c: CookieSpec): string[] {
  if (c.crossSite && c.secure) {
    return [serializeCookie(c, 'None'), serializeCookie({ ...c, name: `${c.name}${COMPAT_SUFFIX}` }, null)];
  }
  return [serializeCookie(c)];
}

/** Always HttpOnly and Path=/; SameSite=Lax unless told otherwise; Secure when the issuer is https. */
export function serializeCookie(c: CookieSpec, sameSite: 'Lax' | 'None' | null = 'Lax'): string {
  const parts = [`${c.name}=${encodeURIComponent(c.value)}`, 'Path=/', 'HttpOnly'];
  if (sameSite) {
    parts.push(`SameSite=${sameSite}`);
  }
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
