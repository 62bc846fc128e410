/**
 * Claims an Action may not set: the JWT and OIDC registered claims and those Auth0 uses itself (Auth0's
 * "Create Custom Claims" restrictions). Setting one is ignored silently, as Auth0 does.
 */
export const RESTRICTED_CLAIMS: ReadonlySet<string> = new Set(
  (
    'acr act active amr at_hash ath attest aud auth_time authorization_details azp c_hash client_id cnf cty dest ' +
    'entitlements events exp groups gty htm htu iat internalService iss jcard jku jti jwe jwk kid may_act mky nbf ' +
    'nonce object_id org_id org_name orig origid permissions roles rph s_hash scope sid sip_callid sip_cseq_num ' +
    'sip_date sip_from_tag sip_via_branch sub sub_jwk toe txn typ uuid vot vtm x5t#S256'
  ).split(' '),
);

/**
 * OIDC Core §5.1's standard claims: in an ID token they say what the user's profile says, never what an
 * Action sets (Auth0: "OpenID standard claims cannot be customized or modified").
 */
export const OIDC_STANDARD_CLAIMS: ReadonlySet<string> = new Set(
  (
    'name given_name family_name middle_name nickname preferred_username profile picture website email ' +
    'email_verified gender birthdate zoneinfo locale phone_number phone_number_verified address updated_at'
  ).split(' '),
);

/** Auth0 caps the custom claims of one token at 100 KB (their JSON). */
export const CUSTOM_CLAIMS_MAX_BYTES = 100 * 1024;

/**
 * Folds `setCustomClaim` calls in order (a later call wins), dropping restricted names and values that
 * JSON cannot carry; for an ID token, the OIDC standard claims too. Returns the claims to merge into a token.
 */
export function foldCustomClaims(
  calls: readonly (readonly [string, unknown])[],
  token: 'id_token' | 'access_token',
): Record<string, unknown> {
  const claims: Record<string, unknown> = {};
  for (const [name, value] of calls) {
    if (typeof name !== 'string' || name === '' || RESTRICTED_CLAIMS.has(name) || value === undefined) {
      continue;
    }
    if (token === 'id_token' && OIDC_STANDARD_CLAIMS.has(name)) {
      continue;
    }
    if (name === '__proto__' || name === 'constructor' || name === 'prototype') {
      continue;
    }
    claims[name] = value;
  }
  return claims;
}

/** True when the claims fit Auth0's size limit. */
export function customClaimsFit(claims: Record<string, unknown>): boolean {
  return Buffer.byteLength(JSON.stringify(claims)) <= CUSTOM_CLAIMS_MAX_BYTES;
}

/** Applies `addScope`/`removeScope` calls in order to the scopes the access token would carry. */
export function applyScopeChanges(scopes: readonly string[], changes: readonly (readonly ['add' | 'remove', string])[]): string[] {
  const out = [...scopes];
  for (const [op, scope] of changes) {
    if (typeof scope !== 'string' || scope === '' || /\s/.test(scope)) {
      continue;
    }
    const at = out.indexOf(scope);
    if (op === 'add' && at < 0) {
      out.push(scope);
    } else if (op === 'remove' && at >= 0) {
      out.splice(at, 1);
    }
  }
  return out;
}
