import { Injectable } from '@nestjs/common';
import { AccountService } from '../account/account.service.js';
import { readSignupInput } from '../account/signup-input.js';
import type { WebOutcome } from '../common/web-outcome.js';
import { ConnectionsService } from '../connections/connections.service.js';
import { DATABASE_CONNECTION } from '../connections/database-connection.js';
import { DbConnectionError } from '../errors/api-error.js';
import type { TenantContext } from '../tenants/tenant-context.js';
import type { UserEntity } from '../users/user.entity.js';
import { pageFor, pageLink, type BrowserContext, type ResumedTransaction } from './browser-step.js';
import { LoginStep } from './login.step.js';
import { signupPage } from './pages.js';
import { ResumeTransactionStep } from './resume-transaction.step.js';

/** The sign-up page (`screen_hint=signup`, or the login page's "Sign up" link): a new user, then logged in. */
@Injectable()
export class SignupStep {
  constructor(
    private readonly resume: ResumeTransactionStep,
    private readonly login: LoginStep,
    private readonly connections: ConnectionsService,
    private readonly account: AccountService,
  ) {}

  /** GET /u/signup */
  async page(tenant: TenantContext, query: Record<string, unknown>, browser: BrowserContext): Promise<WebOutcome> {
    const opened = await this.resume.open(tenant, query.state);
    if ('outcome' in opened) {
      return opened.outcome;
    }
    return this.render(tenant, opened, browser, 200, opened.txn.loginHint);
  }

  /** POST /u/signup: creates the user, then finishes the authorization request as a login does. */
  async signup(tenant: TenantContext, query: Record<string, unknown>, body: unknown, browser: BrowserContext): Promise<WebOutcome> {
    const fields = ['email', 'username', 'password', '_csrf', 'state', 'action'];
    const opened = await this.resume.openPosted(tenant, { query, body, browser }, 'signup', fields);
    if ('outcome' in opened) {
      return opened.outcome;
    }
    const { client, txn, form } = opened;
    const email = form.get('email');
    const password = form.get('password');
    if (!opened.csrfValid) {
      return this.render(tenant, opened, browser, 403, email, 'Your sign-up form expired. Please try again.');
    }
    if (!email || !password) {
      return this.render(tenant, opened, browser, 400, email, 'Please enter your email address and a password.');
    }
    let user: UserEntity;
    try {
      const input = readSignupInput({
        client_id: client.entity.clientId,
        connection: txn.connection ?? DATABASE_CONNECTION,
        email,
        password,
        username: form.get('username'),
      });
      user = (await this.account.signup(tenant, input, { ip: browser.ip, userAgent: browser.userAgent })).user;
    } catch (e) {
      if (e instanceof DbConnectionError) {
        const message =
          e.code === 'invalid_signup'
            ? 'Something went wrong: this email address may already have an account. Log in, or reset your password.'
            : e.description;
        return this.render(tenant, opened, browser, 400, email, message);
      }
      throw e;
    }
    return this.login.signIn(tenant, opened, browser, user, user.email);
  }

  private async render(
    tenant: TenantContext,
    { settings, client, txn, sealed }: ResumedTransaction,
    browser: BrowserContext,
    status: number,
    email?: string,
    error?: string,
  ): Promise<WebOutcome> {
    const { cookies, ...form } = this.resume.form(tenant, browser, txn, sealed, '/u/signup', 'signup');
    const connection = txn.connection ?? DATABASE_CONNECTION;
    const use = await this.connections.forClient(tenant.id, connection, client.entity);
    const disabled = 'problem' in use || use.options.disable_signup === true;
    const html = signupPage({
      tenantName: settings.friendlyName || 'Tessera',
      clientName: client.entity.name,
      ...form,
      loginUrl: pageLink('/u/login', sealed),
      policy: await this.account.policyText(tenant.id, connection),
      requiresUsername: !('problem' in use) && use.options.requires_username === true,
      email,
      error: error ?? (disabled ? 'Sign-up is not available for this application. Log in with an existing account.' : undefined),
    });
    return pageFor(txn, disabled && !error ? 403 : status, html, cookies);
  }
}
