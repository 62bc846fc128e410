import { Inject, Injectable } from '@nestjs/common';
import { OAuthError } from '../errors/api-error.js';
import type { TenantContext } from '../tenants/tenant-context.js';
import { GRANT_HANDLERS, type GrantHandler, type TokenResponse } from './grants/grant-handler.js';
import { readOAuthParams } from '../common/oauth-params.js';

export interface TokenRequest {
  tenant: TenantContext;
  body: unknown;
  authorization?: string;
  contentType?: string;
  /** The caller's address, for brute-force protection of the password grants. */
  ip?: string;
  userAgent?: string;
}

/**
 * The `exchange` step of `POST /oauth/token` (TokenPipeline): checks the media type, reads `grant_type`
 * and hands the request to that grant's handler.
 */
@Injectable()
export class TokenEndpoint {
  private readonly handlers = new Map<string, GrantHandler>();

  constructor(@Inject(GRANT_HANDLERS) handlers: GrantHandler[]) {
    for (const h of handlers) {
      for (const type of h.grantTypes) {
        this.handlers.set(type, h);
      }
    }
  }

  exchange(req: TokenRequest): Promise<TokenResponse> {
    const { contentType } = req;
    if (!contentType || !/^application\/(x-www-form-urlencoded|json)\b/i.test(contentType)) {
      throw OAuthError.invalidRequest('Content-Type must be application/x-www-form-urlencoded or application/json');
    }
    const grantType = readOAuthParams(req.body, ['grant_type']).get('grant_type');
    if (!grantType) {
      throw OAuthError.invalidRequest('Missing required parameter: grant_type');
    }
    const handler = this.handlers.get(grantType);
    if (!handler) {
      throw new OAuthError(400, 'unsupported_grant_type', `Unsupported grant type: ${grantType}`);
    }
    return handler.handle({ tenant: req.tenant, body: req.body, authorization: req.authorization, ip: req.ip, userAgent: req.userAgent });
  }
}
