/**
 * Token-audience rules shared by the admin API and the token issuer. Pure functions, no I/O.
 *
 * An HS256 token may carry only one audience: whoever holds the secret to verify it could mint tokens
 * for every audience it names. A token for the Default Audience carries a second one, the tenant's
 * `<issuer>userinfo`, whenever `openid` is asked; so an HS256 API can never be the Default Audience.
 * Encrypted tokens (nested JWE) follow the same rule: /userinfo could not read them.
 */

export interface AudienceApi {
  name: string;
  identifier: string;
  signingAlg: string;
  /** True when tokens for this API are encrypted to the API's own key. */
  encrypted?: boolean;
}

/** Why tokens for this API must hold its audience alone, or undefined when a second audience is fine. */
export function singleAudienceReason(api: AudienceApi): string | undefined {
  if (api.signingAlg === 'HS256') {
    return 'HS256 tokens can hold only one audience';
  }
  if (api.encrypted) {
    return 'encrypted tokens can hold only one audience';
  }
  return undefined;
}

export class AudienceRuleError extends Error {}

/**
 * Refuses a Default Audience whose tokens could not carry the userinfo audience as well.
 * Called by PATCH /tenants/settings and PATCH /resource-servers/{id} on the API that is the Default Audience.
 */
export function assertCanBeDefaultAudience(api: AudienceApi): void {
  const reason = singleAudienceReason(api);
  if (reason) {
    const fix = api.signingAlg === 'HS256' ? 'switch it to RS256 or PS256 first' : 'turn off its token encryption first';
    throw new AudienceRuleError(
      `The API "${api.name}" (${api.identifier}) cannot be the default audience: ${reason}, and tokens for the default audience also carry the userinfo audience when "openid" is requested; ${fix}.`,
    );
  }
}

/**
 * The `aud` claim of an access token for `api`: the identifier alone, or `[identifier, userinfo]` when
 * `openid` is asked and the API's tokens may hold two audiences.
 */
export function accessTokenAudience(api: AudienceApi, openid: boolean, userinfoAudience: string): string | string[] {
  if (openid && !singleAudienceReason(api)) {
    return [api.identifier, userinfoAudience];
  }
  return api.identifier;
}
