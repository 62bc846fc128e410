import { Injectable } from '@nestjs/common';
import { AccountService, RESET_REQUESTED } from '../account/account.service.js';
import type { WebOutcome } from '../common/web-outcome.js';
import { DATABASE_CONNECTION } from '../connections/database-connection.js';
import { DbConnectionError } from '../errors/api-error.js';
import type { TenantContext } from '../tenants/tenant-context.js';
import { pageFor, pageLink, type BrowserContext, type ResumedTransaction } from './browser-step.js';
import { resetRequestPage } from './pages.js';
import { ResumeTransactionStep } from './resume-transaction.step.js';

/** The login page's "Forgot password?": asks for a reset link by email, without leaving the transaction. */
@Injectable()
export class PasswordResetRequestStep {
  constructor(
    private readonly resume: ResumeTransactionStep,
    private readonly account: AccountService,
  ) {}

  /** GET /u/reset-password */
  async page(tenant: TenantContext, query: Record<string, unknown>, browser: BrowserContext): Promise<WebOutcome> {
    const opened = await this.resume.open(tenant, query.state);
    if ('outcome' in opened) {
      return opened.outcome;
    }
    return this.render(tenant, opened, browser, 200);
  }

  /** POST /u/reset-password: the same answer for known and unknown addresses. */
  async request(tenant: TenantContext, query: Record<string, unknown>, body: unknown, browser: BrowserContext): Promise<WebOutcome> {
    const opened = await this.resume.openPosted(tenant, { query, body, browser }, 'reset', ['email', '_csrf', 'state', 'action']);
    if ('outcome' in opened) {
      return opened.outcome;
    }
    const { client, txn, form } = opened;
    if (!opened.csrfValid) {
      return this.render(tenant, opened, browser, 403, 'Your form expired. Please try again.');
    }
    const email = form.get('email');
    if (!email || email.length > 320) {
      return this.render(tenant, opened, browser, 400, 'Please enter your email address.');
    }
    try {
      await this.account.requestPasswordReset(
        tenant,
        { clientId: client.entity.clientId, email, connection: txn.connection ?? DATABASE_CONNECTION },
        { ip: browser.ip, userAgent: browser.userAgent },
      );
    } catch (e) {
      if (e instanceof DbConnectionError) {
        return this.render(tenant, opened, browser, 400, e.description);
      }
      throw e;
    }
    return this.render(tenant, opened, browser, 200, undefined, RESET_REQUESTED);
  }

  private render(
    tenant: TenantContext,
    { settings, txn, sealed }: ResumedTransaction,
    browser: BrowserContext,
    status: number,
    error?: string,
    sent?: string,
  ): WebOutcome {
    const { cookies, ...form } = this.resume.form(tenant, browser, txn, sealed, '/u/reset-password', 'reset');
    const html = resetRequestPage({
      tenantName: settings.friendlyName || 'Tessera',
      ...form,
      loginUrl: pageLink('/u/login', sealed),
      error,
      sent,
    });
    return pageFor(txn, status, html, cookies);
  }
}
