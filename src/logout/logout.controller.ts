import { Body, Controller, Get, Post, Query, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { parseCookies } from '../common/cookies.js';
import { sendWebOutcome } from '../common/web-outcome.js';
import { Tenant, type TenantContext } from '../tenants/tenant-context.js';
import { LogoutService, type LogoutBrowser } from './logout.service.js';

function browserOf(req: Request): LogoutBrowser {
  return { cookies: parseCookies(req.headers.cookie), ip: req.ip, userAgent: req.headers['user-agent'] };
}

@Controller()
export class LogoutController {
  constructor(private readonly logout: LogoutService) {}

  @Get('v2/logout')
  async v2(@Tenant() tenant: TenantContext, @Query() query: Record<string, unknown>, @Req() req: Request, @Res() res: Response) {
    sendWebOutcome(res, await this.logout.v2Logout(tenant, query, browserOf(req)));
  }

  @Get('oidc/logout')
  async oidcGet(@Tenant() tenant: TenantContext, @Query() query: Record<string, unknown>, @Req() req: Request, @Res() res: Response) {
    sendWebOutcome(res, await this.logout.oidcLogout(tenant, query, undefined, browserOf(req)));
  }

  /** RP-Initiated Logout §2 allows POST; the confirmation form posts here too. */
  @Post('oidc/logout')
  async oidcPost(@Tenant() tenant: TenantContext, @Body() body: Record<string, unknown>, @Req() req: Request, @Res() res: Response) {
    sendWebOutcome(res, await this.logout.oidcLogout(tenant, body, body, browserOf(req)));
  }
}
