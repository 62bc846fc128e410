import { OAuthError } from '../errors/api-error.js';

export type OAuthParams = Map<string, string>;

/**
 * Reads an OAuth request's parameters through an allowlist. Unknown parameters are ignored, repeated ones
 * are refused (RFC 6749 §3.1, §3.2), and every value must be a string (JSON bodies may carry other types).
 */
export function readOAuthParams(body: unknown, allowed: readonly string[]): OAuthParams {
  if (body === undefined || body === null || body === '') {
    return new Map();
  }
  if (typeof body !== 'object' || Array.isArray(body)) {
    throw OAuthError.invalidRequest('The request body must be a form or a JSON object');
  }
  const out: OAuthParams = new Map();
  for (const name of allowed) {
    const value = (body as Record<string, unknown>)[name];
    if (value === undefined) {
      continue;
    }
    if (Array.isArray(value)) {
      throw OAuthError.invalidRequest(`Parameter "${name}" must not be repeated`);
    }
    if (typeof value !== 'string') {
      throw OAuthError.invalidRequest(`Parameter "${name}" must be a string`);
    }
    if (value.length > 8192) {
      throw OAuthError.invalidRequest(`Parameter "${name}" is too long`);
    }
    // No OAuth value may hold NUL (RFC 6749 Appendix A), and PostgreSQL cannot store or compare one.
    if (value.includes('\u0000')) {
      throw OAuthError.invalidRequest(`Parameter "${name}" must not contain NUL characters`);
    }
    if (value !== '') {
      out.set(name, value);
    }
  }
  return out;
}

export function splitScope(scope: string | undefined): string[] {
  return scope ? [...new Set(scope.split(/\s+/).filter(Boolean))] : [];
}
