import { Body, Controller, Get, Post, Query, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { parseCookies } from '../common/cookies.js';
import { sendWebOutcome } from '../common/web-outcome.js';
import { Tenant, type TenantContext } from '../tenants/tenant-context.js';
import { AuthorizeService, type BrowserContext } from './authorize.service.js';

function browserOf(req: Request): BrowserContext {
  return { cookies: parseCookies(req.headers.cookie), ip: req.ip, userAgent: req.headers['user-agent'] };
}

/** The browser-facing half of the authorization code flow: /authorize, the login and consent pages. */
@Controller()
export class AuthorizeController {
  constructor(private readonly authorizeService: AuthorizeService) {}

  @Get('authorize')
  async authorize(@Tenant() tenant: TenantContext, @Query() query: Record<string, unknown>, @Req() req: Request, @Res() res: Response) {
    sendWebOutcome(res, await this.authorizeService.authorize(tenant, query, browserOf(req)));
  }

  /** OIDC Core §3.1.2.1: the authorization endpoint takes a form POST as well. */
  @Post('authorize')
  async authorizePost(@Tenant() tenant: TenantContext, @Body() body: Record<string, unknown>, @Req() req: Request, @Res() res: Response) {
    sendWebOutcome(res, await this.authorizeService.authorize(tenant, body, browserOf(req)));
  }

  @Get('u/login')
  async loginPage(@Tenant() tenant: TenantContext, @Query() query: Record<string, unknown>, @Req() req: Request, @Res() res: Response) {
    sendWebOutcome(res, await this.authorizeService.loginPage(tenant, query, browserOf(req)));
  }

  @Post('u/login')
  async login(
    @Tenant() tenant: TenantContext,
    @Query() query: Record<string, unknown>,
    @Body() body: Record<string, unknown>,
    @Req() req: Request,
    @Res() res: Response,
  ) {
    sendWebOutcome(res, await this.authorizeService.login(tenant, query, body, browserOf(req)));
  }

  @Get('u/signup')
  async signupPage(@Tenant() tenant: TenantContext, @Query() query: Record<string, unknown>, @Req() req: Request, @Res() res: Response) {
    sendWebOutcome(res, await this.authorizeService.signupPage(tenant, query, browserOf(req)));
  }

  @Post('u/signup')
  async signup(
    @Tenant() tenant: TenantContext,
    @Query() query: Record<string, unknown>,
    @Body() body: Record<string, unknown>,
    @Req() req: Request,
    @Res() res: Response,
  ) {
    sendWebOutcome(res, await this.authorizeService.signup(tenant, query, body, browserOf(req)));
  }

  @Get('u/reset-password')
  async resetRequestPage(
    @Tenant() tenant: TenantContext,
    @Query() query: Record<string, unknown>,
    @Req() req: Request,
    @Res() res: Response,
  ) {
    sendWebOutcome(res, await this.authorizeService.resetRequestPage(tenant, query, browserOf(req)));
  }

  @Post('u/reset-password')
  async resetRequest(
    @Tenant() tenant: TenantContext,
    @Query() query: Record<string, unknown>,
    @Body() body: Record<string, unknown>,
    @Req() req: Request,
    @Res() res: Response,
  ) {
    sendWebOutcome(res, await this.authorizeService.resetRequest(tenant, query, body, browserOf(req)));
  }

  @Get('u/consent')
  async consentPage(@Tenant() tenant: TenantContext, @Query() query: Record<string, unknown>, @Req() req: Request, @Res() res: Response) {
    sendWebOutcome(res, await this.authorizeService.consentPage(tenant, query, browserOf(req)));
  }

  @Post('u/consent')
  async consent(
    @Tenant() tenant: TenantContext,
    @Query() query: Record<string, unknown>,
    @Body() body: Record<string, unknown>,
    @Req() req: Request,
    @Res() res: Response,
  ) {
    sendWebOutcome(res, await this.authorizeService.consent(tenant, query, body, browserOf(req)));
  }
}
