/**
 * Where the authorization server may send a browser. Exact string comparison only (RFC 6749 §3.1.2.3,
 * OAuth 2.0 Security BCP §4.1.3): no prefix, wildcard or normalisation tricks.
 */

/**
 * The redirect URI an authorization request may use: the requested one when it is registered, or the
 * only registered one when none is requested. Undefined when the request cannot be trusted.
 */
export function registeredRedirectUri(
  callbacks: readonly string[],
  requested: string | undefined,
): { uri: string; given: boolean } | undefined {
  if (requested !== undefined) {
    return callbacks.includes(requested) ? { uri: requested, given: true } : undefined;
  }
  return callbacks.length === 1 ? { uri: callbacks[0], given: false } : undefined;
}

/** Whether a logout may return to `url`: it must be one of the allowed logout URLs, exactly. */
export function isAllowedLogoutUrl(allowed: readonly string[], url: string): boolean {
  return allowed.includes(url);
}

/** The CSP source that lets a form submission (and the redirect after it) reach `uri`. */
export function formActionSource(uri: string): string | undefined {
  try {
    const u = new URL(uri);
    return u.protocol === 'http:' || u.protocol === 'https:' ? u.origin : u.protocol;
  } catch {
    return undefined;
  }
}
