import { Injectable } from '@nestjs/common';
import { RESPONSE_MODES, RESPONSE_TYPES } from '../rules/response-types.js';

/** The OpenID Provider metadata (OIDC Discovery 1.0 §3), built once per issuer and served from memory. */
@Injectable()
export class DiscoveryService {
  private readonly cache = new Map<string, string>();

  documentJson(issuer: string): string {
    let doc = this.cache.get(issuer);
    if (!doc) {
      doc = JSON.stringify(buildDiscoveryDocument(issuer));
      this.cache.set(issuer, doc);
    }
    return doc;
  }
}

export function buildDiscoveryDocument(issuer: string): Record<string, unknown> {
  return {
    issuer,
    authorization_endpoint: `${issuer}authorize`,
    token_endpoint: `${issuer}oauth/token`,
    userinfo_endpoint: `${issuer}userinfo`,
    jwks_uri: `${issuer}.well-known/jwks.json`,
    revocation_endpoint: `${issuer}oauth/revoke`,
    introspection_endpoint: `${issuer}oauth/introspect`,
    end_session_endpoint: `${issuer}oidc/logout`,
    scopes_supported: [
      'openid',
      'profile',
      'offline_access',
      'name',
      'given_name',
      'family_name',
      'nickname',
      'email',
      'email_verified',
      'picture',
      'created_at',
      'identities',
      'phone',
      'address',
    ],
    response_types_supported: [...RESPONSE_TYPES],
    response_modes_supported: [...RESPONSE_MODES],
    grant_types_supported: [
      'authorization_code',
      'implicit',
      'client_credentials',
      'refresh_token',
      'password',
      'http://auth0.com/oauth/grant-type/password-realm',
    ],
    subject_types_supported: ['public'],
    id_token_signing_alg_values_supported: ['HS256', 'RS256', 'PS256'],
    token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post', 'none'],
    introspection_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'],
    revocation_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post', 'none'],
    code_challenge_methods_supported: ['S256'],
    claims_supported: [
      'aud',
      'auth_time',
      'created_at',
      'email',
      'email_verified',
      'exp',
      'family_name',
      'given_name',
      'iat',
      'identities',
      'iss',
      'name',
      'nickname',
      'phone_number',
      'picture',
      'sub',
    ],
    request_uri_parameter_supported: false,
    request_parameter_supported: false,
  };
}
