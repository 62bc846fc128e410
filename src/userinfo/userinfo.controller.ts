import { Body, Controller, Get, Headers, HttpCode, Post, Query, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { CorsPolicy } from '../cors/cors-policy.js';
import { Tenant, type TenantContext } from '../tenants/tenant-context.js';
import { UserinfoService, type UserinfoRequest } from './userinfo.service.js';

/**
 * OIDC UserInfo. Browser apps call it cross-origin: the answer is readable by the origin when the client
 * the access token was issued to allows it (CorsPolicy); an error is readable by no other origin.
 */
@Controller('userinfo')
export class UserinfoController {
  constructor(
    private readonly userinfoService: UserinfoService,
    private readonly cors: CorsPolicy,
  ) {}

  @Get()
  get(
    @Tenant() tenant: TenantContext,
    @Headers('authorization') authorization: string | undefined,
    @Query() query: Record<string, unknown>,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ) {
    // RFC 6750 §2.3: a response to a token in the URI must say it is private to this user.
    res.setHeader('Cache-Control', query.access_token !== undefined ? 'private, no-store' : 'no-store');
    return this.answer(tenant, { authorization, query }, req, res);
  }

  @Post()
  @HttpCode(200)
  post(
    @Tenant() tenant: TenantContext,
    @Headers('authorization') authorization: string | undefined,
    @Headers('content-type') contentType: string | undefined,
    @Body() body: Record<string, unknown>,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ) {
    res.setHeader('Cache-Control', 'no-store');
    // RFC 6750 §2.2: the form field counts only in an application/x-www-form-urlencoded body.
    const form = contentType && /^application\/x-www-form-urlencoded\b/i.test(contentType) ? body : undefined;
    return this.answer(tenant, { authorization, form }, req, res);
  }

  private async answer(tenant: TenantContext, request: UserinfoRequest, req: Request, res: Response): Promise<Record<string, unknown>> {
    const { claims, clientId } = await this.userinfoService.answer(tenant, request);
    if (req.headers.origin !== undefined) {
      res.set(CorsPolicy.headersFor(await this.cors.decide({ tenantId: tenant.id, headers: req.headers, ip: req.ip, clientId })));
    }
    return claims;
  }
}
