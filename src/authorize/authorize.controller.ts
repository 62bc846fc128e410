import { Body, Controller, Get, Post, Query, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { parseCookies } from '../common/cookies.js';
import { sendWebOutcome } from '../common/web-outcome.js';
import { Tenant, type TenantContext } from '../tenants/tenant-context.js';
import { AuthorizeService } from './authorize.service.js';
import type { BrowserContext } from './browser-step.js';
import { ConsentStep } from './consent.step.js';
import { LoginStep } from './login.step.js';
import { PasswordResetRequestStep } from './password-reset-request.step.js';
import { SignupStep } from './signup.step.js';

function browserOf(req: Request): BrowserContext {
  return { cookies: parseCookies(req.headers.cookie), ip: req.ip, userAgent: req.headers['user-agent'] };
}

/** The browser-facing half of the authorization flows: /authorize and the pages behind it, a step each. */
@Controller()
export class AuthorizeController {
  constructor(
    private readonly authorizeService: AuthorizeService,
    private readonly loginStep: LoginStep,
    private readonly signupStep: SignupStep,
    private readonly resetStep: PasswordResetRequestStep,
    private readonly consentStep: ConsentStep,
  ) {}

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
    sendWebOutcome(res, await this.loginStep.page(tenant, query, browserOf(req)));
  }

  @Post('u/login')
  async login(
    @Tenant() tenant: TenantContext,
    @Query() query: Record<string, unknown>,
    @Body() body: Record<string, unknown>,
    @Req() req: Request,
    @Res() res: Response,
  ) {
    sendWebOutcome(res, await this.loginStep.login(tenant, query, body, browserOf(req)));
  }

  @Get('u/signup')
  async signupPage(@Tenant() tenant: TenantContext, @Query() query: Record<string, unknown>, @Req() req: Request, @Res() res: Response) {
    sendWebOutcome(res, await this.signupStep.page(tenant, query, browserOf(req)));
  }

  @Post('u/signup')
  async signup(
    @Tenant() tenant: TenantContext,
    @Query() query: Record<string, unknown>,
    @Body() body: Record<string, unknown>,
    @Req() req: Request,
    @Res() res: Response,
  ) {
    sendWebOutcome(res, await this.signupStep.signup(tenant, query, body, browserOf(req)));
  }

  @Get('u/reset-password')
  async resetRequestPage(
    @Tenant() tenant: TenantContext,
    @Query() query: Record<string, unknown>,
    @Req() req: Request,
    @Res() res: Response,
  ) {
    sendWebOutcome(res, await this.resetStep.page(tenant, query, browserOf(req)));
  }

  @Post('u/reset-password')
  async resetRequest(
    @Tenant() tenant: TenantContext,
    @Query() query: Record<string, unknown>,
    @Body() body: Record<string, unknown>,
    @Req() req: Request,
    @Res() res: Response,
  ) {
    sendWebOutcome(res, await this.resetStep.request(tenant, query, body, browserOf(req)));
  }

  @Get('u/consent')
  async consentPage(@Tenant() tenant: TenantContext, @Query() query: Record<string, unknown>, @Req() req: Request, @Res() res: Response) {
    sendWebOutcome(res, await this.consentStep.page(tenant, query, browserOf(req)));
  }

  @Post('u/consent')
  async consent(
    @Tenant() tenant: TenantContext,
    @Query() query: Record<string, unknown>,
    @Body() body: Record<string, unknown>,
    @Req() req: Request,
    @Res() res: Response,
  ) {
    sendWebOutcome(res, await this.consentStep.consent(tenant, query, body, browserOf(req)));
  }
}
