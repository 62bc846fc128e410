import { Injectable } from '@nestjs/common';
import { page, redirect, type WebOutcome } from '../common/web-outcome.js';
import { LogsService, type LogInput } from '../logs/logs.service.js';
import type { TenantContext } from '../tenants/tenant-context.js';
import { TenantsService } from '../tenants/tenants.service.js';
import type { UserEntity } from '../users/user.entity.js';
import { UsersService } from '../users/users.service.js';
import { AccountService, type RequestContext } from './account.service.js';
import { LINK_EXPIRED, messagePage, resetPasswordPage } from './pages.js';
import { TicketsService } from './tickets.service.js';
import type { UserTicketEntity } from './user-ticket.entity.js';

/** The pages behind the links in Tessera's mails: set a new password, verify an e-mail address. */
@Injectable()
export class AccountPagesService {
  constructor(
    private readonly tickets: TicketsService,
    private readonly users: UsersService,
    private readonly tenants: TenantsService,
    private readonly account: AccountService,
    private readonly logs: LogsService,
  ) {}

  /** GET /lo/reset?ticket= */
  async resetForm(tenant: TenantContext, ticket: unknown): Promise<WebOutcome> {
    const t = await this.tickets.peek(tenant.id, ticket, 'password_change');
    const user = t && (await this.users.find(tenant.id, t.userId));
    if (!t || !user) {
      return page(400, messagePage('Link expired', LINK_EXPIRED));
    }
    return this.renderForm(tenant, ticket as string, user.email, user.connection, 200);
  }

  /** POST /lo/reset: the policy is checked before the ticket is used, so a refused password can be retried. */
  async reset(tenant: TenantContext, body: Record<string, unknown>, ctx: RequestContext): Promise<WebOutcome> {
    const ticket = body.ticket;
    const t = await this.tickets.peek(tenant.id, ticket, 'password_change');
    const user = t && (await this.users.find(tenant.id, t.userId));
    if (!t || !user) {
      return page(400, messagePage('Link expired', LINK_EXPIRED));
    }
    const password = typeof body.password === 'string' ? body.password : '';
    if (password === '' || password !== body.password_confirm) {
      return this.renderForm(tenant, ticket as string, user.email, user.connection, 400, 'The passwords do not match.');
    }
    const problem = await this.users.newPasswordProblem(tenant.id, user.userId, password);
    if (problem) {
      return this.renderForm(tenant, ticket as string, user.email, user.connection, 400, problem);
    }
    const used = await this.tickets.use(tenant.id, ticket, 'password_change');
    if (!used) {
      return page(400, messagePage('Link expired', LINK_EXPIRED));
    }
    const failed = await this.users.resetPassword(tenant.id, user.userId, password, used.markEmailVerified);
    if (failed) {
      return page(400, messagePage('Password not changed', failed));
    }
    return this.done(
      { tenant, ctx, used, user },
      { type: 'scp', description: 'Success Change Password', clientId: used.clientId ?? undefined },
      {
        title: 'Password changed',
        message: 'Your password has been changed successfully.',
        page: 'Your password has been changed successfully. You can now log in with your new password.',
      },
    );
  }

  /** GET /u/email-verification?ticket=: a plain GET verifies, then goes to the result URL (Auth0's behaviour). */
  async verifyEmail(tenant: TenantContext, ticket: unknown, ctx: RequestContext): Promise<WebOutcome> {
    const used = await this.tickets.use(tenant.id, ticket, 'email_verification');
    const user = used && (await this.users.find(tenant.id, used.userId));
    if (!used || !user || !(await this.users.markEmailVerified(tenant.id, used.userId))) {
      return page(400, messagePage('Link expired', LINK_EXPIRED));
    }
    return this.done(
      { tenant, ctx, used, user },
      { type: 'sv', description: 'Success Verification Email', clientId: used.clientId ?? undefined },
      { title: 'Email verified', message: 'Your email was verified. You can continue using the application.' },
    );
  }

  /** GET /lo/unblock?ticket=: the link of a `blocked_account` mail lifts the user's brute-force blocks. */
  async unblock(tenant: TenantContext, ticket: unknown, ctx: RequestContext): Promise<WebOutcome> {
    const used = await this.tickets.use(tenant.id, ticket, 'unblock');
    const user = used && (await this.users.find(tenant.id, used.userId));
    if (!used || !user) {
      return page(400, messagePage('Link expired', LINK_EXPIRED));
    }
    await this.account.unblock(tenant.id, user);
    return this.done(
      { tenant, ctx, used, user },
      { type: 'sapi', description: 'Account unblocked through the blocked_account link' },
      { title: 'Account unblocked', message: 'Your account has been unblocked. You can log in again.' },
    );
  }

  /**
   * A ticket's action is done: logged, then the browser goes to the ticket's result URL with `message`,
   * or is shown a page saying so (`page`, when it says more than the result URL's message).
   */
  private done(
    { tenant, ctx, used, user }: { tenant: TenantContext; ctx: RequestContext; used: UserTicketEntity; user: UserEntity },
    event: Pick<LogInput, 'type' | 'description' | 'clientId'>,
    shown: { title: string; message: string; page?: string },
  ): WebOutcome {
    this.logs.record({ tenantId: tenant.id, ...event, userId: user.userId, userName: user.email, ip: ctx.ip, userAgent: ctx.userAgent });
    if (used.resultUrl) {
      return redirect(withResult(used.resultUrl, shown.message, used.includeEmail ? user.email : undefined));
    }
    return page(200, messagePage(shown.title, shown.page ?? shown.message));
  }

  private async renderForm(
    tenant: TenantContext,
    ticket: string,
    email: string,
    connection: string,
    status: number,
    error?: string,
  ): Promise<WebOutcome> {
    const settings = await this.tenants.get(tenant.id);
    const policy = await this.account.policyText(tenant.id, connection);
    return page(status, resetPasswordPage({ tenantName: settings.friendlyName || 'Tessera', email, ticket, policy, error }));
  }
}

/** Auth0 appends `success` and `message` to the result URL, and `email` with `includeEmailInRedirect`. */
function withResult(resultUrl: string, message: string, email?: string): string {
  const url = new URL(resultUrl);
  url.searchParams.set('success', 'true');
  url.searchParams.set('message', message);
  if (email !== undefined) {
    url.searchParams.set('email', email);
  }
  return url.href;
}
