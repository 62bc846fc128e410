import { OAuthError } from '../errors/api-error.js';
import type { OAuthParams } from './oauth-params.js';

/**
 * The requested audience: `audience`, or RFC 8707 `resource` (the same thing said another way), else the
 * tenant's Default Audience. Undefined when none applies.
 */
export function requestedAudience(params: OAuthParams, defaultAudience: string): string | undefined {
  const audience = params.get('audience');
  const resource = params.get('resource');
  if (audience && resource && audience !== resource) {
    throw OAuthError.invalidRequest('"audience" and "resource" name different APIs; send one of them');
  }
  return audience ?? resource ?? (defaultAudience || undefined);
}
