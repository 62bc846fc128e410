import { RuleViolation } from '../errors/api-error.js';
import type { ApiScope } from './resource-server.entity.js';

/** Auth0's defaults for a new API's access token lifetimes, in seconds. */
export const DEFAULT_TOKEN_LIFETIME = 86400;
export const DEFAULT_TOKEN_LIFETIME_FOR_WEB = 7200;

export interface Lifetimes {
  tokenLifetime: number;
  tokenLifetimeForWeb: number;
}

/**
 * The lifetimes after a create (`current` undefined) or a patch. `token_lifetime_for_web` may never exceed
 * `token_lifetime`: given explicitly above it, it is refused; left to its default or previous value, it is
 * lowered to fit, so that setting only `token_lifetime` below 7200 does not fail.
 */
export function resolveLifetimes(
  current: Lifetimes | undefined,
  patch: { token_lifetime?: number; token_lifetime_for_web?: number },
): Lifetimes {
  const tokenLifetime = patch.token_lifetime ?? current?.tokenLifetime ?? DEFAULT_TOKEN_LIFETIME;
  const inherited = current?.tokenLifetimeForWeb ?? DEFAULT_TOKEN_LIFETIME_FOR_WEB;
  const tokenLifetimeForWeb = patch.token_lifetime_for_web ?? Math.min(inherited, tokenLifetime);
  if (tokenLifetimeForWeb > tokenLifetime) {
    throw RuleViolation.payload(`token_lifetime_for_web (${tokenLifetimeForWeb}) cannot be greater than token_lifetime (${tokenLifetime})`);
  }
  return { tokenLifetime, tokenLifetimeForWeb };
}

/** An API's scopes as stored: values unique, descriptions kept only when given. */
export function normalizeScopes(scopes: readonly ApiScope[]): ApiScope[] {
  const seen = new Set<string>();
  for (const s of scopes) {
    if (seen.has(s.value)) {
      throw RuleViolation.payload(`scopes must have unique values; "${s.value}" appears more than once`);
    }
    seen.add(s.value);
  }
  return scopes.map((s) => (s.description === undefined ? { value: s.value } : { value: s.value, description: s.description }));
}
