import { Body, Controller, Headers, HttpCode, Ip, Post, Res } from '@nestjs/common';
import type { Response } from 'express';
import { Tenant, type TenantContext } from '../tenants/tenant-context.js';
import { TokenEndpoint } from './token-endpoint.js';

/**
 * POST /oauth/token through Nest. Most token requests never reach it: `token-route.ts` serves them
 * before Express (the hot path); this route takes the rest (bodies only Express's parsers read, paths
 * Express alone matches) and is what the route metadata shows.
 */
@Controller('oauth')
export class TokenController {
  constructor(private readonly endpoint: TokenEndpoint) {}

  @Post('token')
  @HttpCode(200)
  token(
    @Tenant() tenant: TenantContext,
    @Body() body: Record<string, unknown>,
    @Headers('authorization') authorization: string | undefined,
    @Headers('content-type') contentType: string | undefined,
    @Ip() ip: string,
    @Headers('user-agent') userAgent: string | undefined,
    @Res({ passthrough: true }) res: Response,
  ) {
    res.setHeader('Cache-Control', 'no-store');
    res.setHeader('Pragma', 'no-cache');
    return this.endpoint.exchange({ tenant, body, authorization, contentType, ip, userAgent });
  }
}
