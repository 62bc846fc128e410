import { OIDC_SCOPES } from './user-flow-scopes.js';

/**
 * Auth0's RBAC for user tokens of an API with `enforce_policies`: a pure rule, applied by the user token
 * issuer on every user grant (code, refresh, password, password-realm) after the user's effective
 * permissions on that API are read.
 */

export interface PolicyDecision {
  /** What the token's `scope` carries: the requested scopes the user holds, plus the OIDC scopes asked for. */
  scopes: string[];
  /** What the `permissions` claim carries (authz dialects): every permission the user holds on the API. */
  permissions: string[];
}

/**
 * `requested` are the scopes the flow may grant before RBAC (OIDC scopes and the API's own scopes);
 * `effective` the user's permissions on the API, direct or through roles. A permission the API no longer
 * defines is not granted even if a stale row or a refresh token's family still names it.
 */
export function applyPolicies(requested: readonly string[], apiScopes: ReadonlySet<string>, effective: Iterable<string>): PolicyDecision {
  const held = new Set<string>();
  for (const p of effective) {
    if (apiScopes.has(p)) {
      held.add(p);
    }
  }
  return {
    scopes: requested.filter((s) => held.has(s) || (OIDC_SCOPES as readonly string[]).includes(s)),
    permissions: [...held].sort(),
  };
}
