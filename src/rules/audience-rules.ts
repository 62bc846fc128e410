/**
 * Token-audience rules shared by the admin API and the token issuer. Pure functions, no I/O.
 *
 * An HS256 token may carry only one audience: whoever holds the secret to verify it could mint tokens
 * for every audience it names. A token for the Default Audience carries a second one, the tenant's
 * `<issuer>userinfo`, whenever `openid` is asked; so an HS256 API can never be the Default Audience.
 * Encrypted tokens (nested JWE) follow the same rule: /userinfo could not read them.
 */

import { OAuthError, RuleViolation } from '../errors/api-error.js';

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

/**
 * Refuses a Default Audience whose tokens could not carry the userinfo audience as well.
 * Called by PATCH /tenants/settings and PATCH /resource-servers/{id} on the API that is the Default Audience.
 */
export function assertCanBeDefaultAudience(api: AudienceApi): void {
  const reason = singleAudienceReason(api);
  if (reason) {
    const fix = api.signingAlg === 'HS256' ? 'switch it to RS256 or PS256 first' : 'turn off its token encryption first';
    throw new RuleViolation(
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

/** What a request names as its token's audience, and how to find the API behind an identifier. */
export interface AudienceRequest<A> {
  /** `audience`, or RFC 8707 `resource` (the same thing said another way). */
  audience?: string;
  resource?: string;
  /** The tenant's Default Audience when neither is sent; '' when there is none or none may apply. */
  defaultAudience: string;
  /** `<issuer>userinfo`, which names no API (user flows only: there it resolves to none). */
  userinfoAudience?: string;
  findApi(identifier: string): Promise<A | undefined>;
}

export interface ResolvedAudience<A> {
  identifier: string;
  api: A;
}

/**
 * The one home of audience resolution, for every grant and for /authorize: `audience` or `resource`
 * (never two different ones), else the Default Audience; undefined when nothing applies or only userinfo
 * is asked. An identifier that names no API of the tenant is Auth0's 403 "Service not found".
 */
export async function resolveAudience<A>(req: AudienceRequest<A>): Promise<ResolvedAudience<A> | undefined> {
  if (req.audience && req.resource && req.audience !== req.resource) {
    throw OAuthError.invalidRequest('"audience" and "resource" name different APIs; send one of them');
  }
  const identifier = req.audience ?? req.resource ?? (req.defaultAudience || undefined);
  if (!identifier || identifier === req.userinfoAudience) {
    return undefined;
  }
  const api = await req.findApi(identifier);
  if (!api) {
    throw OAuthError.accessDenied(`Service not found: ${identifier}`);
  }
  return { identifier, api };
}
