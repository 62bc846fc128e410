/**
 * Which scopes a user flow (authorization code, password, refresh) may grant. Pure rules shared by the
 * authorization endpoint and the token endpoint.
 */

/** OIDC scopes Tessera understands; any other scope must be defined by the API. */
export const OIDC_SCOPES = ['openid', 'profile', 'email', 'address', 'phone', 'offline_access'] as const;

export interface UserFlowApi {
  isSystem: boolean;
  enforcePolicies: boolean;
  allowOfflineAccess: boolean;
  scopeValues: ReadonlySet<string>;
}

/** The fields of an API (resource server record) these rules read. */
export function userFlowApiOf(api: {
  entity: { isSystem: boolean; enforcePolicies: boolean; allowOfflineAccess: boolean };
  scopeValues: ReadonlySet<string>;
}): UserFlowApi {
  return {
    isSystem: api.entity.isSystem,
    enforcePolicies: api.entity.enforcePolicies,
    allowOfflineAccess: api.entity.allowOfflineAccess,
    scopeValues: api.scopeValues,
  };
}

/** Who a user flow is for: the client asking and, once logged in, the user. */
export interface UserFlowParty {
  /** The client is the tenant's Tessera Dashboard client (a system client). */
  dashboardClient: boolean;
  /** The logged-in user's `app_metadata`; undefined before the user is known. */
  appMetadata?: Record<string, unknown>;
  /** The logged-in user's RBAC role names (read only where they matter: the dashboard client). */
  roleNames?: readonly string[];
  /** The role that makes its members tenant admins (ADMIN_ROLE_NAME). */
  adminRole?: string;
}

/** The fields of a client and a user these rules read. */
export function userFlowPartyOf(
  client: { systemRole: string | null },
  user?: { appMetadata: Record<string, unknown> },
  roles?: { names: readonly string[]; adminRole: string },
): UserFlowParty {
  return {
    dashboardClient: client.systemRole === 'dashboard',
    appMetadata: user?.appMetadata,
    roleNames: roles?.names,
    adminRole: roles?.adminRole,
  };
}

/** The `app_metadata.roles` value that made a user an admin before RBAC roles existed. */
export const ADMIN_ROLE = 'admin';

/**
 * Deprecated (kept for one release): a user whose `app_metadata.roles` is an array containing "admin".
 * The admin role (ADMIN_ROLE_NAME) replaces it; callers log when only this path made someone an admin.
 */
export function isTenantAdmin(appMetadata: Record<string, unknown> | undefined): boolean {
  const roles = appMetadata?.roles;
  return Array.isArray(roles) && roles.includes(ADMIN_ROLE);
}

/** A member of the configured admin role. */
export function hasAdminRole(party: UserFlowParty | undefined): boolean {
  return party?.adminRole !== undefined && (party.roleNames ?? []).includes(party.adminRole);
}

/**
 * The requested scopes that can be granted, in request order. OIDC scopes always; an API's own scopes
 * when the API defines them, except:
 * - the Management API (system API): its scopes are admin rights, granted only to a tenant admin
 *   (a member of the admin role, or the deprecated `isTenantAdmin`) signing in to the tenant's Tessera Dashboard client, never to another client or
 *   user, nor before the user is known; the `*:tenants` scopes never go to a user;
 * - an API with RBAC (`enforce_policies`): its scopes pass here as asked, and the token issuer keeps
 *   those the user holds as permissions at each issuance (`applyPolicies`, rbac-scopes.ts), so a refresh
 *   follows the assignments of the moment.
 * `offline_access` only where a refresh token may be issued.
 */
export function grantableUserScopes(requested: readonly string[], api: UserFlowApi | undefined, party?: UserFlowParty): string[] {
  const admin = party !== undefined && party.dashboardClient && (hasAdminRole(party) || isTenantAdmin(party.appMetadata));
  return requested.filter((s) => {
    if (s === 'offline_access') {
      return refreshTokensAllowed(api);
    }
    if ((OIDC_SCOPES as readonly string[]).includes(s)) {
      return true;
    }
    if (api === undefined || !api.scopeValues.has(s)) {
      return false;
    }
    if (api.isSystem) {
      // Tenant administration (`*:tenants`, Tessera's extension) stays with the default tenant's admin client.
      return admin && !s.endsWith(':tenants');
    }
    return true;
  });
}

/** Refresh tokens are for APIs that allow offline access, or for OIDC alone (no API audience). */
export function refreshTokensAllowed(api: UserFlowApi | undefined): boolean {
  return api === undefined || api.allowOfflineAccess;
}

/** Claims each OIDC scope releases (OIDC Core §5.4); `sub` is always released. */
export const SCOPE_CLAIMS: Record<string, readonly string[]> = {
  profile: ['name', 'family_name', 'given_name', 'nickname', 'picture', 'updated_at'],
  email: ['email', 'email_verified'],
};

/** The profile claims a token with `scopes` may see, from the full set `profile`. */
export function claimsForScopes(scopes: readonly string[], profile: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const scope of scopes) {
    for (const claim of SCOPE_CLAIMS[scope] ?? []) {
      if (profile[claim] !== undefined && profile[claim] !== null) {
        out[claim] = profile[claim];
      }
    }
  }
  return out;
}
