import { Body, Controller, Headers, HttpCode, Ip, Post, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { CorsPolicy, requestClientId } from '../cors/cors-policy.js';
import { Tenant, type TenantContext } from '../tenants/tenant-context.js';
import { TokenEndpoint } from './token-endpoint.js';

/**
 * POST /oauth/token through Nest. Most token requests never reach it: `token-route.ts` serves them
 * before Express (the hot path); this route takes the rest (bodies only Express's parsers read, paths
 * Express alone matches) and is what the route metadata shows.
 */
@Controller('oauth')
export class TokenController {
  constructor(
    private readonly endpoint: TokenEndpoint,
    private readonly cors: CorsPolicy,
  ) {}

  @Post('token')
  @HttpCode(200)
  async token(
    @Tenant() tenant: TenantContext,
    @Body() body: Record<string, unknown>,
    @Headers('authorization') authorization: string | undefined,
    @Headers('content-type') contentType: string | undefined,
    @Ip() ip: string,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ) {
    res.setHeader('Cache-Control', 'no-store');
    res.setHeader('Pragma', 'no-cache');
    await this.cors.admit({ tenantId: tenant.id, headers: req.headers, ip, clientId: requestClientId(body, authorization) }, res);
    return this.endpoint.exchange({ tenant, body, authorization, contentType, ip });
  }
}
