import { OAuthError } from '../errors/api-error.js';

/** Auth0 answers a bad code, refresh token or password with 403 `invalid_grant`. */
export function invalidGrant(description: string): OAuthError {
  return new OAuthError(403, 'invalid_grant', description);
}

/** Auth0's answer for a blocked user, at the token endpoint and in redirects. */
export function userBlocked(): OAuthError {
  return new OAuthError(401, 'unauthorized', 'user is blocked');
}
