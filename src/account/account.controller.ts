import { Body, Controller, Get, HttpCode, Post, Query, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { sendWebOutcome } from '../common/web-outcome.js';
import { DbConnectionError } from '../errors/api-error.js';
import { Scopes } from '../management/scopes.decorator.js';
import { Tenant, type TenantContext } from '../tenants/tenant-context.js';
import { AccountAdminService } from './account-admin.service.js';
import { AccountPagesService } from './account-pages.service.js';
import { AccountService, RESET_REQUESTED, type RequestContext } from './account.service.js';
import { EmailVerificationTicketDto, PasswordChangeTicketDto, VerificationEmailJobDto } from './dto/account.dto.js';
import { readSignupInput } from './signup-input.js';

function contextOf(req: Request): RequestContext {
  return { ip: req.ip, userAgent: req.headers['user-agent'] };
}

function field(body: unknown, key: string, max: number, required: boolean): string | undefined {
  const v = typeof body === 'object' && body !== null ? (body as Record<string, unknown>)[key] : undefined;
  if (v === undefined || v === null || v === '') {
    if (required) {
      throw DbConnectionError.badRequest('invalid_parameter', `Missing required parameter: ${key}`);
    }
    return undefined;
  }
  if (typeof v !== 'string' || v.length > max) {
    throw DbConnectionError.badRequest('invalid_parameter', `${key} must be a string of at most ${max} characters`);
  }
  return v;
}

/** Auth0's Authentication API for database connections. */
@Controller('dbconnections')
export class DbConnectionsController {
  constructor(private readonly account: AccountService) {}

  @Post('signup')
  @HttpCode(200)
  async signup(@Tenant() tenant: TenantContext, @Body() body: unknown, @Req() req: Request) {
    return (await this.account.signup(tenant, readSignupInput(body), contextOf(req))).body;
  }

  /** The same text for known and unknown addresses: no enumeration. */
  @Post('change_password')
  @HttpCode(200)
  async changePassword(@Tenant() tenant: TenantContext, @Body() body: unknown, @Req() req: Request, @Res() res: Response) {
    await this.account.requestPasswordReset(
      tenant,
      {
        clientId: field(body, 'client_id', 128, false),
        email: field(body, 'email', 320, true) as string,
        connection: field(body, 'connection', 128, true) as string,
      },
      contextOf(req),
    );
    res.status(200).type('text/plain').send(RESET_REQUESTED);
  }
}

/** The pages the mails link to. */
@Controller()
export class AccountPagesController {
  constructor(private readonly pages: AccountPagesService) {}

  @Get('lo/reset')
  async resetForm(@Tenant() tenant: TenantContext, @Query('ticket') ticket: unknown, @Res() res: Response) {
    sendWebOutcome(res, await this.pages.resetForm(tenant, ticket));
  }

  @Post('lo/reset')
  async reset(@Tenant() tenant: TenantContext, @Body() body: Record<string, unknown>, @Req() req: Request, @Res() res: Response) {
    sendWebOutcome(res, await this.pages.reset(tenant, body ?? {}, contextOf(req)));
  }

  @Get('lo/unblock')
  async unblock(@Tenant() tenant: TenantContext, @Query('ticket') ticket: unknown, @Req() req: Request, @Res() res: Response) {
    sendWebOutcome(res, await this.pages.unblock(tenant, ticket, contextOf(req)));
  }

  @Get('u/email-verification')
  async verify(@Tenant() tenant: TenantContext, @Query('ticket') ticket: unknown, @Req() req: Request, @Res() res: Response) {
    sendWebOutcome(res, await this.pages.verifyEmail(tenant, ticket, contextOf(req)));
  }
}

@Controller('api/v2/tickets')
export class TicketsController {
  constructor(private readonly admin: AccountAdminService) {}

  @Post('password-change')
  @HttpCode(201)
  @Scopes('create:user_tickets')
  passwordChange(@Tenant() tenant: TenantContext, @Body() body: PasswordChangeTicketDto) {
    return this.admin.passwordChangeTicket(tenant, body);
  }

  @Post('email-verification')
  @HttpCode(201)
  @Scopes('create:user_tickets')
  emailVerification(@Tenant() tenant: TenantContext, @Body() body: EmailVerificationTicketDto) {
    return this.admin.emailVerificationTicket(tenant, body);
  }
}

/** The verification-email job; the jobs module serves the reads every job type shares. */
@Controller('api/v2/jobs')
export class VerificationEmailJobController {
  constructor(private readonly admin: AccountAdminService) {}

  @Post('verification-email')
  @HttpCode(201)
  @Scopes('update:users')
  verificationEmail(@Tenant() tenant: TenantContext, @Body() body: VerificationEmailJobDto) {
    return this.admin.verificationEmailJob(tenant, body);
  }
}
