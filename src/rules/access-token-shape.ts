/**
 * The shape of an access token, decided in one place from its audience (the seed documents' table):
 * - no API (only `/userinfo`): Tessera's opaque userinfo token, a `dir` JWE only Tessera reads;
 * - an API with `access_token_format: "opaque"`: a random reference, read through introspection;
 * - an API with `token_encryption`: a signed JWT nested in a JWE to the API's own key;
 * - any other API: a signed JWT.
 * The issuers execute the shape; they decide nothing about it. Pure, no I/O.
 */
import { accessTokenAudience } from './audience-rules.js';

/** Auth0's lifetime for the opaque (userinfo-only) access token. */
export const USERINFO_TOKEN_LIFETIME = 86400;

export type TokenDialect = 'access_token' | 'access_token_authz' | 'rfc9068_profile' | 'rfc9068_profile_authz';

/** The fields of an API (resource server) the shape depends on. */
export interface ShapeApi {
  name: string;
  identifier: string;
  signingAlg: 'HS256' | 'RS256' | 'PS256';
  tokenDialect: TokenDialect;
  accessTokenFormat: 'jwt' | 'opaque';
  encrypted: boolean;
  tokenLifetime: number;
  tokenLifetimeForWeb: number;
}

export interface ShapeRequest {
  /** `openid` was asked in a user flow: the userinfo audience joins where the audience rule allows. */
  openid: boolean;
  /** A browser-based flow: the API's `token_lifetime_for_web` applies. */
  web: boolean;
  userinfoAudience: string;
}

export type AccessTokenShape =
  | { format: 'userinfo'; aud: string; expiresIn: number }
  | {
      format: 'jwt' | 'nested-jwe' | 'opaque';
      aud: string | string[];
      expiresIn: number;
      alg: ShapeApi['signingAlg'];
      /** RFC 9068's media type for the profile dialects, plain `JWT` otherwise. */
      typ: 'at+jwt' | 'JWT';
      /** RFC 9068 §2.2 asks for `client_id` in the profile dialects. */
      clientIdClaim: boolean;
      /** The `_authz` dialects carry `permissions`. */
      permissionsClaim: boolean;
    };

export function accessTokenShape(api: ShapeApi | undefined, req: ShapeRequest): AccessTokenShape {
  if (!api) {
    return { format: 'userinfo', aud: req.userinfoAudience, expiresIn: USERINFO_TOKEN_LIFETIME };
  }
  const rfc9068 = api.tokenDialect === 'rfc9068_profile' || api.tokenDialect === 'rfc9068_profile_authz';
  return {
    format: api.accessTokenFormat === 'opaque' ? 'opaque' : api.encrypted ? 'nested-jwe' : 'jwt',
    aud: accessTokenAudience(api, req.openid, req.userinfoAudience),
    expiresIn: req.web ? api.tokenLifetimeForWeb : api.tokenLifetime,
    alg: api.signingAlg,
    typ: rfc9068 ? 'at+jwt' : 'JWT',
    clientIdClaim: rfc9068,
    permissionsClaim: api.tokenDialect === 'access_token_authz' || api.tokenDialect === 'rfc9068_profile_authz',
  };
}

/** The shape-relevant fields of a stored API. */
export function shapeApiOf(e: Omit<ShapeApi, 'encrypted'> & { tokenEncryption: unknown }): ShapeApi {
  return {
    name: e.name,
    identifier: e.identifier,
    signingAlg: e.signingAlg,
    tokenDialect: e.tokenDialect,
    accessTokenFormat: e.accessTokenFormat,
    encrypted: Boolean(e.tokenEncryption),
    tokenLifetime: e.tokenLifetime,
    tokenLifetimeForWeb: e.tokenLifetimeForWeb,
  };
}
