import { Injectable } from '@nestjs/common';
import type { WebOutcome } from '../common/web-outcome.js';
import { ConnectionsService } from '../connections/connections.service.js';
import { DATABASE_CONNECTION } from '../connections/database-connection.js';
import { RuleViolation } from '../errors/api-error.js';
import { BLOCKED_MESSAGE, LoginProtectionService } from '../login-protection/login-protection.service.js';
import { LogsService } from '../logs/logs.service.js';
import { SESSION_COOKIE, SessionsService } from '../sessions/sessions.service.js';
import type { TenantContext } from '../tenants/tenant-context.js';
import type { UserEntity } from '../users/user.entity.js';
import { UsersService } from '../users/users.service.js';
import { AuthorizationResponder, targetOf } from './authorization-responder.js';
import { pageFor, pageLink, type BrowserContext, type ResumedTransaction } from './browser-step.js';
import { CompletionStep } from './completion.step.js';
import { loginPage } from './pages.js';
import { ResumeTransactionStep } from './resume-transaction.step.js';

const WRONG_CREDENTIALS = 'Wrong email or password.';
const BUSY_MESSAGE = 'Too many login attempts right now. Please try again in a moment.';

/** The login page: a database connection's username and password, with brute-force protection. */
@Injectable()
export class LoginStep {
  constructor(
    private readonly resume: ResumeTransactionStep,
    private readonly completion: CompletionStep,
    private readonly responder: AuthorizationResponder,
    private readonly connections: ConnectionsService,
    private readonly protection: LoginProtectionService,
    private readonly users: UsersService,
    private readonly sessions: SessionsService,
    private readonly logs: LogsService,
  ) {}

  /** GET /u/login */
  async page(tenant: TenantContext, query: Record<string, unknown>, browser: BrowserContext): Promise<WebOutcome> {
    const opened = await this.resume.open(tenant, query.state);
    if ('outcome' in opened) {
      return opened.outcome;
    }
    return this.render(tenant, opened, browser, 200, opened.txn.loginHint);
  }

  /** POST /u/login */
  async login(tenant: TenantContext, query: Record<string, unknown>, body: unknown, browser: BrowserContext): Promise<WebOutcome> {
    const opened = await this.resume.openPosted(tenant, { query, body, browser }, 'login', ['username', 'password', '_csrf', 'state']);
    if ('outcome' in opened) {
      return opened.outcome;
    }
    const { client, txn, form } = opened;
    const username = form.get('username');
    const password = form.get('password');
    if (!opened.csrfValid) {
      return this.render(tenant, opened, browser, 403, username, 'Your login form expired. Please try again.');
    }
    if (!username || !password) {
      return this.render(tenant, opened, browser, 400, username, 'Please enter your email address and password.');
    }
    const event = {
      tenantId: tenant.id,
      clientId: client.entity.clientId,
      clientName: client.entity.name,
      userName: username,
      ip: browser.ip,
      userAgent: browser.userAgent,
    };
    const connectionName = txn.connection ?? DATABASE_CONNECTION;
    const use = await this.connections.forClient(tenant.id, connectionName, client.entity);
    if ('problem' in use) {
      return this.responder.reject(targetOf(txn), 'invalid_request', `The connection "${connectionName}" is not enabled for the client`);
    }
    const bruteForce = use.options.brute_force_protection !== false;
    if (bruteForce && (await this.protection.isBlocked(tenant.id, username, browser.ip))) {
      this.logs.record({ ...event, type: 'f', description: BLOCKED_MESSAGE });
      return this.render(tenant, opened, browser, 429, username, BLOCKED_MESSAGE);
    }
    const check = await this.users.checkCredentials(tenant.id, connectionName, username, password).catch((e: unknown) => {
      // Password hashing is at capacity (PasswordHasher): the form asks to try again, nothing was checked.
      if (e instanceof RuleViolation && e.status === 429) {
        return undefined;
      }
      throw e;
    });
    if (!check) {
      return this.render(tenant, opened, browser, 429, username, BUSY_MESSAGE);
    }
    if ('failure' in check) {
      // Auth0's codes: fu (unknown user), fp (wrong password), f (failed login, here: blocked).
      const type = check.failure === 'unknown_user' ? 'fu' : check.failure === 'wrong_password' ? 'fp' : 'f';
      this.logs.record({ ...event, type, description: check.failure === 'blocked' ? 'user is blocked' : WRONG_CREDENTIALS });
      if (check.failure === 'wrong_password' && bruteForce) {
        await this.protection.recordFailure(tenant.id, username, browser.ip, connectionName);
      }
      if (check.failure === 'blocked') {
        // As Auth0 does: the application learns why, through its callback.
        return this.responder.reject(targetOf(txn), 'unauthorized', 'user is blocked');
      }
      return this.render(tenant, opened, browser, 400, username, WRONG_CREDENTIALS);
    }
    await this.protection.recordSuccess(tenant.id, username, browser.ip);
    return this.signIn(tenant, opened, browser, check.user, username);
  }

  /** A user who proved who they are (here, or by signing up): logged, given a session, and sent on. */
  async signIn(
    tenant: TenantContext,
    r: ResumedTransaction,
    browser: BrowserContext,
    user: UserEntity,
    userName: string,
  ): Promise<WebOutcome> {
    await this.users.recordLogin(tenant.id, user.userId, browser.ip);
    this.logs.record({
      tenantId: tenant.id,
      clientId: r.client.entity.clientId,
      clientName: r.client.entity.name,
      userName,
      ip: browser.ip,
      userAgent: browser.userAgent,
      type: 's',
      description: 'Successful login',
      userId: user.userId,
    });
    const started = await this.sessions.start(tenant, r.settings, user.userId, browser.cookies.get(SESSION_COOKIE));
    return this.completion.finish(tenant, r, browser, { session: started.session, user }, [started.cookie]);
  }

  private async render(
    tenant: TenantContext,
    { settings, client, txn, sealed }: ResumedTransaction,
    browser: BrowserContext,
    status: number,
    username?: string,
    error?: string,
  ): Promise<WebOutcome> {
    // "Sign up" only where the connection takes sign-ups from this client.
    const use = await this.connections.forClient(tenant.id, txn.connection ?? DATABASE_CONNECTION, client.entity);
    const signupOpen = !('problem' in use) && use.options.disable_signup !== true;
    const { cookies, ...form } = this.resume.form(tenant, browser, txn, sealed, '/u/login', 'login');
    const html = loginPage({
      tenantName: settings.friendlyName || 'Tessera',
      clientName: client.entity.name,
      ...form,
      username,
      error,
      links: {
        reset: pageLink('/u/reset-password', sealed),
        signup: signupOpen ? pageLink('/u/signup', sealed) : undefined,
      },
    });
    return pageFor(txn, status, html, cookies);
  }
}
