import { Body, Controller, Get, Headers, HttpCode, Post, Res } from '@nestjs/common';
import type { Response } from 'express';
import { Tenant, type TenantContext } from '../tenants/tenant-context.js';
import { UserinfoService } from './userinfo.service.js';

@Controller('userinfo')
export class UserinfoController {
  constructor(private readonly userinfoService: UserinfoService) {}

  @Get()
  get(
    @Tenant() tenant: TenantContext,
    @Headers('authorization') authorization: string | undefined,
    @Res({ passthrough: true }) res: Response,
  ) {
    res.setHeader('Cache-Control', 'no-store');
    return this.userinfoService.userinfo(tenant, { authorization });
  }

  @Post()
  @HttpCode(200)
  post(
    @Tenant() tenant: TenantContext,
    @Headers('authorization') authorization: string | undefined,
    @Headers('content-type') contentType: string | undefined,
    @Body() body: Record<string, unknown>,
    @Res({ passthrough: true }) res: Response,
  ) {
    res.setHeader('Cache-Control', 'no-store');
    // RFC 6750 §2.2: the form field counts only in an application/x-www-form-urlencoded body.
    const form = contentType && /^application\/x-www-form-urlencoded\b/i.test(contentType) ? body : undefined;
    return this.userinfoService.userinfo(tenant, { authorization, form });
  }
}
