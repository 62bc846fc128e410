import { Body, Controller, Get, Post, Query, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { parseCookies } from '../common/cookies.js';
import { sendWebOutcome } from '../common/web-outcome.js';
import { Tenant, type TenantContext } from '../tenants/tenant-context.js';
import { LogoutService } from './logout.service.js';

@Controller()
export class LogoutController {
  constructor(private readonly logout: LogoutService) {}

  @Get('v2/logout')
  async v2(@Tenant() tenant: TenantContext, @Query() query: Record<string, unknown>, @Req() req: Request, @Res() res: Response) {
    sendWebOutcome(res, await this.logout.v2Logout(tenant, query, { cookies: parseCookies(req.headers.cookie) }));
  }

  @Get('oidc/logout')
  async oidcGet(@Tenant() tenant: TenantContext, @Query() query: Record<string, unknown>, @Req() req: Request, @Res() res: Response) {
    sendWebOutcome(res, await this.logout.oidcLogout(tenant, query, undefined, { cookies: parseCookies(req.headers.cookie) }));
  }

  /** RP-Initiated Logout §2 allows POST; the confirmation form posts here too. */
  @Post('oidc/logout')
  async oidcPost(@Tenant() tenant: TenantContext, @Body() body: Record<string, unknown>, @Req() req: Request, @Res() res: Response) {
    sendWebOutcome(res, await this.logout.oidcLogout(tenant, body, body, { cookies: parseCookies(req.headers.cookie) }));
  }
}
