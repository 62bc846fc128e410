import { Body, Controller, Headers, HttpCode, Inject, Ip, Post, Res } from '@nestjs/common';
import type { Response } from 'express';
import { OAuthError } from '../errors/api-error.js';
import { Tenant, type TenantContext } from '../tenants/tenant-context.js';
import { GRANT_HANDLERS, type GrantHandler } from './grants/grant-handler.js';
import { readOAuthParams } from './oauth-params.js';

@Controller('oauth')
export class TokenController {
  private readonly handlers = new Map<string, GrantHandler>();

  constructor(@Inject(GRANT_HANDLERS) handlers: GrantHandler[]) {
    for (const h of handlers) {
      for (const type of h.grantTypes) {
        this.handlers.set(type, h);
      }
    }
  }

  @Post('token')
  @HttpCode(200)
  async token(
    @Tenant() tenant: TenantContext,
    @Body() body: Record<string, unknown>,
    @Headers('authorization') authorization: string | undefined,
    @Headers('content-type') contentType: string | undefined,
    @Ip() ip: string,
    @Res({ passthrough: true }) res: Response,
  ) {
    res.setHeader('Cache-Control', 'no-store');
    res.setHeader('Pragma', 'no-cache');
    if (!contentType || !/^application\/(x-www-form-urlencoded|json)\b/i.test(contentType)) {
      throw OAuthError.invalidRequest('Content-Type must be application/x-www-form-urlencoded or application/json');
    }
    const grantType = readOAuthParams(body, ['grant_type']).get('grant_type');
    if (!grantType) {
      throw OAuthError.invalidRequest('Missing required parameter: grant_type');
    }
    const handler = this.handlers.get(grantType);
    if (!handler) {
      throw new OAuthError(400, 'unsupported_grant_type', `Unsupported grant type: ${grantType}`);
    }
    return handler.handle({ tenant, body, authorization, ip });
  }
}
