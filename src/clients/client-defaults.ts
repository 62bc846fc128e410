import type { AppType, JwtConfiguration, TokenEndpointAuthMethod } from './client.entity.js';

export const APP_TYPES = ['non_interactive', 'regular_web', 'spa', 'native'] as const satisfies readonly AppType[];
export const TOKEN_ENDPOINT_AUTH_METHODS = [
  'none',
  'client_secret_post',
  'client_secret_basic',
] as const satisfies readonly TokenEndpointAuthMethod[];
export const CLIENT_JWT_ALGS = ['HS256', 'RS256'] as const satisfies readonly JwtConfiguration['alg'][];

/** The grant types Auth0 lets a client list (its Management API documentation of `grant_types`). */
export const CLIENT_GRANT_TYPES = [
  'authorization_code',
  'implicit',
  'refresh_token',
  'client_credentials',
  'password',
  'http://auth0.com/oauth/grant-type/password-realm',
  'http://auth0.com/oauth/grant-type/mfa-oob',
  'http://auth0.com/oauth/grant-type/mfa-otp',
  'http://auth0.com/oauth/grant-type/mfa-recovery-code',
  'urn:openid:params:grant-type:ciba',
  'urn:ietf:params:oauth:grant-type:device_code',
] as const;

/** Auth0's default ID token configuration: RS256, ten hours. */
export const DEFAULT_JWT_CONFIGURATION: JwtConfiguration = { alg: 'RS256', lifetime_in_seconds: 36000 };

/**
 * Public applications (SPAs and native apps) cannot keep a secret, so Auth0 registers them with
 * `token_endpoint_auth_method: none`; everything else authenticates with a secret in the POST body.
 */
export function defaultTokenEndpointAuthMethod(appType: AppType | undefined): TokenEndpointAuthMethod {
  return appType === 'spa' || appType === 'native' ? 'none' : 'client_secret_post';
}

/**
 * Auth0's grant types for a new application of `appType`: public apps get the browser flows, a
 * machine-to-machine app only client credentials, and a regular web app (or a client of no type)
 * the browser flows plus client credentials.
 */
export function defaultGrantTypes(appType: AppType | undefined): string[] {
  switch (appType) {
    case 'spa':
    case 'native':
      return ['authorization_code', 'implicit', 'refresh_token'];
    case 'non_interactive':
      return ['client_credentials'];
    case 'regular_web':
    case undefined:
      return ['authorization_code', 'implicit', 'refresh_token', 'client_credentials'];
  }
}
