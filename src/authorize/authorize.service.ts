import { Injectable, Logger } from '@nestjs/common';
import { AccountService, RESET_REQUESTED } from '../account/account.service.js';
import { readSignupInput } from '../account/signup-input.js';
import { NO_OUTCOME, PostLoginService } from '../actions/post-login.service.js';
import { ApisService, type ApiRecord } from '../apis/apis.service.js';
import type { CookieSpec } from '../common/cookies.js';
import { page, redirect, type WebOutcome } from '../common/web-outcome.js';
import { ClientsService, type ClientRecord } from '../clients/clients.service.js';
import { ConnectionsService } from '../connections/connections.service.js';
import { DbConnectionError, OAuthError } from '../errors/api-error.js';
import { SecretsService } from '../keys/secrets.service.js';
import { BLOCKED_MESSAGE, LoginProtectionService } from '../login-protection/login-protection.service.js';
import { LogsService } from '../logs/logs.service.js';
import { originOf, webMessageOriginAllowed } from '../rules/browser-origins.js';
import { formActionSource, registeredRedirectUri } from '../rules/redirect-uris.js';
import { chooseResponseMode, issuesFromAuthorize, type ResponseMode } from '../rules/response-types.js';
import { grantableUserScopes, hasAdminRole, isTenantAdmin, userFlowApiOf, userFlowPartyOf } from '../rules/user-flow-scopes.js';
import { RolesService } from '../roles/roles.service.js';
import { BROWSER_COOKIE, SESSION_COOKIE, SessionsService } from '../sessions/sessions.service.js';
import type { SessionEntity } from '../sessions/session.entity.js';
import type { TenantContext } from '../tenants/tenant-context.js';
import type { TenantEntity } from '../tenants/tenant.entity.js';
import { TenantsService } from '../tenants/tenants.service.js';
import { readOAuthParams, type OAuthParams } from '../common/oauth-params.js';
import { DATABASE_CONNECTION } from '../connections/database-connection.js';
import type { UserEntity } from '../users/user.entity.js';
import { UsersService } from '../users/users.service.js';
import { AuthorizationCodesService } from './authorization-codes.service.js';
import { AUTHORIZE_PARAMS, AuthorizationRequestValidator } from './authorization-request.validator.js';
import { AuthorizationTokens } from './authorization-tokens.js';
import { openTransaction, sealTransaction, type AuthorizationTransaction } from './authorization-transaction.js';
import { ConsentsService } from './consents.service.js';
import { consentPage, errorPage, formPostPage, loginPage, resetRequestPage, signupPage, webMessagePage } from './pages.js';

const WRONG_CREDENTIALS = 'Wrong email or password.';
const OIDC_SCOPE_TEXT: Record<string, string> = {
  openid: 'Sign you in with your account',
  profile: 'Your name, nickname and picture',
  email: 'Your email address and whether it is verified',
  address: 'Your postal address',
  phone: 'Your phone number',
  offline_access: 'Keep access while you are away',
};

/** Where a response for the client goes once its client_id and redirect_uri are trusted. */
interface ResponseTarget {
  redirectUri: string;
  responseMode: ResponseMode;
  state?: string;
}

/** What the request brought along from the browser. */
export interface BrowserContext {
  cookies: Map<string, string>;
  ip?: string;
  userAgent?: string;
}

/**
 * The authorization endpoint (RFC 6749 §4.1, OIDC Core §3.1.2) and the interactive pages behind it:
 * validate the request, then log the user in, ask a third-party client's user for consent, and answer
 * the client with a single-use code. Errors that make the callback untrustworthy are shown on a page;
 * every other error goes back to the client with `error`, `error_description` and `state`.
 */
@Injectable()
export class AuthorizeService {
  private readonly logger = new Logger('Authorize');

  constructor(
    private readonly tenants: TenantsService,
    private readonly clients: ClientsService,
    private readonly apis: ApisService,
    private readonly requests: AuthorizationRequestValidator,
    private readonly users: UsersService,
    private readonly sessions: SessionsService,
    private readonly codes: AuthorizationCodesService,
    private readonly consents: ConsentsService,
    private readonly secrets: SecretsService,
    private readonly logs: LogsService,
    private readonly protection: LoginProtectionService,
    private readonly connections: ConnectionsService,
    private readonly account: AccountService,
    private readonly roles: RolesService,
    private readonly postLogin: PostLoginService,
    private readonly tokens: AuthorizationTokens,
  ) {}

  /** GET /authorize */
  async authorize(tenant: TenantContext, query: unknown, browser: BrowserContext): Promise<WebOutcome> {
    let params: OAuthParams;
    try {
      params = readOAuthParams(query, AUTHORIZE_PARAMS);
    } catch (e) {
      if (e instanceof OAuthError) {
        return untrusted(e.error, e.description);
      }
      throw e;
    }
    const clientId = params.get('client_id');
    if (!clientId) {
      return untrusted('invalid_request', 'Missing required parameter: client_id');
    }
    const client = await this.clients.findForToken(tenant.id, clientId);
    if (!client) {
      return untrusted('invalid_request', `Unknown client: ${clientId}`);
    }
    const redirectUri = registeredRedirectUri(client.entity.callbacks, params.get('redirect_uri'));
    if (!redirectUri) {
      return untrusted(
        'invalid_request',
        params.has('redirect_uri')
          ? `Callback URL mismatch. ${params.get('redirect_uri')} is not in the list of allowed callback URLs of the client.`
          : 'Missing required parameter: redirect_uri',
      );
    }

    const { mode, problem } = chooseResponseMode(params.get('response_type'), params.get('response_mode'));
    if (mode === 'web_message' && !webMessageOriginAllowed(client.entity.webOrigins, originOf(redirectUri.uri) ?? '')) {
      // Auth0: a web message goes only to an Allowed Web Origin; anything else is shown, never posted.
      return untrusted(
        'invalid_request',
        `The origin of ${redirectUri.uri} is not in the Allowed Web Origins of the client, so response_mode=web_message cannot answer it.`,
      );
    }
    const target: ResponseTarget = { redirectUri: redirectUri.uri, responseMode: mode, state: params.get('state') };
    try {
      if (problem) {
        throw OAuthError.invalidRequest(problem);
      }
      const settings = await this.tenants.get(tenant.id);
      const txn = await this.requests.validate(tenant, settings, client, params, redirectUri, mode);
      return await this.proceed(tenant, settings, client, txn, browser, {});
    } catch (e) {
      if (e instanceof OAuthError) {
        return this.respond(target, { error: e.error, error_description: e.description, state: target.state });
      }
      throw e;
    }
  }

  /** GET /u/login */
  async loginPage(tenant: TenantContext, query: Record<string, unknown>, browser: BrowserContext): Promise<WebOutcome> {
    const txn = openTransaction(this.secrets, tenant.id, query.state);
    if (!txn) {
      return expiredTransaction();
    }
    const client = await this.clients.findForToken(tenant.id, txn.clientId);
    if (!client) {
      return untrusted('invalid_request', `Unknown client: ${txn.clientId}`);
    }
    const settings = await this.tenants.get(tenant.id);
    return this.renderLogin(tenant, settings, client, txn, query.state as string, browser, 200, txn.loginHint);
  }

  /** GET /u/signup (`screen_hint=signup`, or the login page's "Sign up" link). */
  async signupPage(tenant: TenantContext, query: Record<string, unknown>, browser: BrowserContext): Promise<WebOutcome> {
    const opened = await this.openForm(tenant, query.state);
    if ('outcome' in opened) {
      return opened.outcome;
    }
    return this.renderSignup(tenant, opened.settings, opened.client, opened.txn, opened.sealed, browser, 200, opened.txn.loginHint);
  }

  /** POST /u/signup: creates the user, then finishes the authorization request as a login does. */
  async signup(tenant: TenantContext, query: Record<string, unknown>, body: unknown, browser: BrowserContext): Promise<WebOutcome> {
    const form = readForm(body, ['email', 'username', 'password', '_csrf', 'state', 'action']);
    if ('outcome' in form) {
      return form.outcome;
    }
    const opened = await this.openForm(tenant, typeof query.state === 'string' ? query.state : form.get('state'));
    if ('outcome' in opened) {
      return opened.outcome;
    }
    const { settings, client, sealed } = opened;
    const t = opened.txn;
    const email = form.get('email');
    const password = form.get('password');
    if (!this.sessions.csrfValid(browser.cookies.get(BROWSER_COOKIE), t.id, 'signup', form.get('_csrf') ?? queryString(query._csrf))) {
      return this.renderSignup(tenant, settings, client, t, sealed, browser, 403, email, 'Your sign-up form expired. Please try again.');
    }
    if (!email || !password) {
      return this.renderSignup(tenant, settings, client, t, sealed, browser, 400, email, 'Please enter your email address and a password.');
    }
    let user: UserEntity;
    try {
      const input = readSignupInput({
        client_id: client.entity.clientId,
        connection: t.connection ?? DATABASE_CONNECTION,
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
        return this.renderSignup(tenant, settings, client, t, sealed, browser, 400, email, message);
      }
      throw e;
    }
    await this.users.recordLogin(tenant.id, user.userId, browser.ip);
    this.logs.record({
      tenantId: tenant.id,
      clientId: client.entity.clientId,
      clientName: client.entity.name,
      userName: user.email,
      ip: browser.ip,
      userAgent: browser.userAgent,
      type: 's',
      description: 'Successful login',
      userId: user.userId,
    });
    const started = await this.sessions.start(tenant, settings, user.userId, browser.cookies.get(SESSION_COOKIE));
    try {
      const outcome = await this.proceed(tenant, settings, client, t, browser, { session: started.session, user });
      return withCookies(outcome, [started.cookie]);
    } catch (e) {
      if (e instanceof OAuthError) {
        return withCookies(this.respond(targetOf(t), { error: e.error, error_description: e.description, state: t.state }), [
          started.cookie,
        ]);
      }
      throw e;
    }
  }

  /** GET /u/reset-password: the login page's "Forgot password?". */
  async resetRequestPage(tenant: TenantContext, query: Record<string, unknown>, browser: BrowserContext): Promise<WebOutcome> {
    const opened = await this.openForm(tenant, query.state);
    if ('outcome' in opened) {
      return opened.outcome;
    }
    return this.renderResetRequest(tenant, opened.settings, opened.txn, opened.sealed, browser, 200);
  }

  /** POST /u/reset-password: the same answer for known and unknown addresses. */
  async resetRequest(tenant: TenantContext, query: Record<string, unknown>, body: unknown, browser: BrowserContext): Promise<WebOutcome> {
    const form = readForm(body, ['email', '_csrf', 'state', 'action']);
    if ('outcome' in form) {
      return form.outcome;
    }
    const opened = await this.openForm(tenant, typeof query.state === 'string' ? query.state : form.get('state'));
    if ('outcome' in opened) {
      return opened.outcome;
    }
    const { settings, client, sealed } = opened;
    const t = opened.txn;
    if (!this.sessions.csrfValid(browser.cookies.get(BROWSER_COOKIE), t.id, 'reset', form.get('_csrf') ?? queryString(query._csrf))) {
      return this.renderResetRequest(tenant, settings, t, sealed, browser, 403, 'Your form expired. Please try again.');
    }
    const email = form.get('email');
    if (!email || email.length > 320) {
      return this.renderResetRequest(tenant, settings, t, sealed, browser, 400, 'Please enter your email address.');
    }
    try {
      await this.account.requestPasswordReset(
        tenant,
        { clientId: client.entity.clientId, email, connection: t.connection ?? DATABASE_CONNECTION },
        { ip: browser.ip, userAgent: browser.userAgent },
      );
    } catch (e) {
      if (e instanceof DbConnectionError) {
        return this.renderResetRequest(tenant, settings, t, sealed, browser, 400, e.description);
      }
      throw e;
    }
    return this.renderResetRequest(tenant, settings, t, sealed, browser, 200, undefined, RESET_REQUESTED);
  }

  /** The transaction, client and settings behind a sign-up or reset form, or the page to show instead. */
  private async openForm(
    tenant: TenantContext,
    sealed: unknown,
  ): Promise<{ txn: AuthorizationTransaction; sealed: string; client: ClientRecord; settings: TenantEntity } | { outcome: WebOutcome }> {
    const t = openTransaction(this.secrets, tenant.id, sealed);
    if (!t || typeof sealed !== 'string') {
      return { outcome: expiredTransaction() };
    }
    const client = await this.clients.findForToken(tenant.id, t.clientId);
    if (!client) {
      return { outcome: untrusted('invalid_request', `Unknown client: ${t.clientId}`) };
    }
    return { txn: t, sealed, client, settings: await this.tenants.get(tenant.id) };
  }

  private async renderSignup(
    tenant: TenantContext,
    settings: TenantEntity,
    client: ClientRecord,
    t: AuthorizationTransaction,
    sealed: string,
    browser: BrowserContext,
    status: number,
    email?: string,
    error?: string,
  ): Promise<WebOutcome> {
    const did = this.sessions.browserId(tenant, browser.cookies.get(BROWSER_COOKIE));
    const connection = t.connection ?? DATABASE_CONNECTION;
    const use = await this.connections.forClient(tenant.id, connection, client.entity);
    const disabled = 'problem' in use || use.options.disable_signup === true;
    const html = signupPage({
      tenantName: settings.friendlyName || 'Tessera',
      clientName: client.entity.name,
      ...formTarget('/u/signup', sealed, this.sessions.csrfToken(did.id, t.id, 'signup')),
      loginUrl: `/u/login?state=${encodeURIComponent(sealed)}`,
      policy: await this.account.policyText(tenant.id, connection),
      requiresUsername: !('problem' in use) && use.options.requires_username === true,
      email,
      error: error ?? (disabled ? 'Sign-up is not available for this application. Log in with an existing account.' : undefined),
    });
    return pageFor(t, disabled && !error ? 403 : status, html, did.cookie ? [did.cookie] : []);
  }

  private renderResetRequest(
    tenant: TenantContext,
    settings: TenantEntity,
    t: AuthorizationTransaction,
    sealed: string,
    browser: BrowserContext,
    status: number,
    error?: string,
    sent?: string,
  ): WebOutcome {
    const did = this.sessions.browserId(tenant, browser.cookies.get(BROWSER_COOKIE));
    const html = resetRequestPage({
      tenantName: settings.friendlyName || 'Tessera',
      ...formTarget('/u/reset-password', sealed, this.sessions.csrfToken(did.id, t.id, 'reset')),
      loginUrl: `/u/login?state=${encodeURIComponent(sealed)}`,
      error,
      sent,
    });
    return pageFor(t, status, html, did.cookie ? [did.cookie] : []);
  }

  /** POST /u/login */
  async login(tenant: TenantContext, query: Record<string, unknown>, body: unknown, browser: BrowserContext): Promise<WebOutcome> {
    let form: OAuthParams;
    try {
      form = readOAuthParams(body, ['username', 'password', '_csrf', 'state']);
    } catch (e) {
      if (e instanceof OAuthError) {
        return page(400, errorPage(e.error, e.description));
      }
      throw e;
    }
    const sealed = typeof query.state === 'string' ? query.state : form.get('state');
    const txn = openTransaction(this.secrets, tenant.id, sealed);
    if (!txn || !sealed) {
      return expiredTransaction();
    }
    const client = await this.clients.findForToken(tenant.id, txn.clientId);
    if (!client) {
      return untrusted('invalid_request', `Unknown client: ${txn.clientId}`);
    }
    const settings = await this.tenants.get(tenant.id);
    const username = form.get('username');
    const password = form.get('password');
    if (!this.sessions.csrfValid(browser.cookies.get(BROWSER_COOKIE), txn.id, 'login', form.get('_csrf') ?? queryString(query._csrf))) {
      return this.renderLogin(tenant, settings, client, txn, sealed, browser, 403, username, 'Your login form expired. Please try again.');
    }
    if (!username || !password) {
      return this.renderLogin(
        tenant,
        settings,
        client,
        txn,
        sealed,
        browser,
        400,
        username,
        'Please enter your email address and password.',
      );
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
      return this.respond(targetOf(txn), {
        error: 'invalid_request',
        error_description: `The connection "${connectionName}" is not enabled for the client`,
        state: txn.state,
      });
    }
    const bruteForce = use.options.brute_force_protection !== false;
    if (bruteForce && (await this.protection.isBlocked(tenant.id, username, browser.ip))) {
      this.logs.record({ ...event, type: 'f', description: BLOCKED_MESSAGE });
      return this.renderLogin(tenant, settings, client, txn, sealed, browser, 429, username, BLOCKED_MESSAGE);
    }
    const check = await this.users.checkCredentials(tenant.id, connectionName, username, password);
    if ('failure' in check) {
      // Auth0's codes: fu (unknown user), fp (wrong password), f (failed login, here: blocked).
      const type = check.failure === 'unknown_user' ? 'fu' : check.failure === 'wrong_password' ? 'fp' : 'f';
      this.logs.record({ ...event, type, description: check.failure === 'blocked' ? 'user is blocked' : WRONG_CREDENTIALS });
      if (check.failure === 'wrong_password' && bruteForce) {
        await this.protection.recordFailure(tenant.id, username, browser.ip, connectionName);
      }
      if (check.failure === 'blocked') {
        // As Auth0 does: the application learns why, through its callback.
        return this.respond(targetOf(txn), { error: 'unauthorized', error_description: 'user is blocked', state: txn.state });
      }
      return this.renderLogin(tenant, settings, client, txn, sealed, browser, 400, username, WRONG_CREDENTIALS);
    }
    await this.protection.recordSuccess(tenant.id, username, browser.ip);
    await this.users.recordLogin(tenant.id, check.user.userId, browser.ip);
    this.logs.record({ ...event, type: 's', description: 'Successful login', userId: check.user.userId });
    const started = await this.sessions.start(tenant, settings, check.user.userId, browser.cookies.get(SESSION_COOKIE));
    try {
      const outcome = await this.proceed(tenant, settings, client, txn, browser, { session: started.session, user: check.user });
      return withCookies(outcome, [started.cookie]);
    } catch (e) {
      if (e instanceof OAuthError) {
        return withCookies(this.respond(targetOf(txn), { error: e.error, error_description: e.description, state: txn.state }), [
          started.cookie,
        ]);
      }
      throw e;
    }
  }

  /** GET /u/consent */
  async consentPage(tenant: TenantContext, query: Record<string, unknown>, browser: BrowserContext): Promise<WebOutcome> {
    const sealed = query.state;
    const txn = openTransaction(this.secrets, tenant.id, sealed);
    if (!txn) {
      return expiredTransaction();
    }
    const settings = await this.tenants.get(tenant.id);
    const current = await this.currentUser(tenant, settings, browser);
    if (!current) {
      return redirect(`/u/login?state=${encodeURIComponent(sealed as string)}`);
    }
    const client = await this.clients.findForToken(tenant.id, txn.clientId);
    if (!client) {
      return untrusted('invalid_request', `Unknown client: ${txn.clientId}`);
    }
    const did = this.sessions.browserId(tenant, browser.cookies.get(BROWSER_COOKIE));
    const api = txn.audience ? await this.apis.findForToken(tenant.id, txn.audience) : undefined;
    const html = consentPage({
      tenantName: settings.friendlyName || 'Tessera',
      clientName: client.entity.name,
      userEmail: current.user.email,
      apiName: api?.entity.name,
      scopes: txn.scopes.map((s) => ({ value: s, description: describeScope(s, api) })),
      ...formTarget('/u/consent', sealed as string, this.sessions.csrfToken(did.id, txn.id, 'consent')),
    });
    return pageFor(txn, 200, html, did.cookie ? [did.cookie] : []);
  }

  /** POST /u/consent */
  async consent(tenant: TenantContext, query: Record<string, unknown>, body: unknown, browser: BrowserContext): Promise<WebOutcome> {
    let form: OAuthParams;
    try {
      form = readOAuthParams(body, ['decision', '_csrf', 'state']);
    } catch (e) {
      if (e instanceof OAuthError) {
        return page(400, errorPage(e.error, e.description));
      }
      throw e;
    }
    const sealed = typeof query.state === 'string' ? query.state : form.get('state');
    const txn = openTransaction(this.secrets, tenant.id, sealed);
    if (!txn || !sealed) {
      return expiredTransaction();
    }
    if (!this.sessions.csrfValid(browser.cookies.get(BROWSER_COOKIE), txn.id, 'consent', form.get('_csrf') ?? queryString(query._csrf))) {
      return page(
        403,
        errorPage('access_denied', 'The consent form expired or was not sent from this browser. Go back to the application and try again.'),
      );
    }
    const settings = await this.tenants.get(tenant.id);
    const current = await this.currentUser(tenant, settings, browser);
    if (!current) {
      return redirect(`/u/login?state=${encodeURIComponent(sealed)}`);
    }
    const client = await this.clients.findForToken(tenant.id, txn.clientId);
    if (!client) {
      return untrusted('invalid_request', `Unknown client: ${txn.clientId}`);
    }
    const target = targetOf(txn);
    if (form.get('decision') !== 'accept') {
      return this.respond(target, { error: 'access_denied', error_description: 'User did not authorize the request', state: txn.state });
    }
    await this.consents.grant(tenant.id, current.user.userId, client.entity.clientId, txn.audience, txn.scopes);
    try {
      return await this.proceed(tenant, settings, client, txn, browser, { ...current, consented: true });
    } catch (e) {
      if (e instanceof OAuthError) {
        return this.respond(target, { error: e.error, error_description: e.description, state: txn.state });
      }
      throw e;
    }
  }

  /**
   * Takes a validated transaction as far as it can go: to the login page, to the consent page, or to
   * the client with a code. `done` says what has already happened in this browser round trip.
   */
  private async proceed(
    tenant: TenantContext,
    settings: TenantEntity,
    client: ClientRecord,
    txn: AuthorizationTransaction,
    browser: BrowserContext,
    done: { session?: SessionEntity; user?: UserEntity; consented?: boolean },
  ): Promise<WebOutcome> {
    const current =
      done.session && done.user ? { session: done.session, user: done.user } : await this.currentUser(tenant, settings, browser);
    const justLoggedIn = done.session !== undefined && done.user !== undefined && done.consented !== true;
    const now = Math.floor(Date.now() / 1000);
    // OIDC Core §3.1.2.1: older than max_age means log in again; max_age=0 is prompt=login.
    const tooOld = current !== undefined && txn.maxAge !== undefined && (txn.maxAge === 0 || now - current.session.authTime > txn.maxAge);

    if (txn.prompt.includes('none')) {
      if (!current || tooOld) {
        throw new OAuthError(400, 'login_required', 'Login required');
      }
    } else if (!justLoggedIn && done.consented !== true && (!current || tooOld || txn.prompt.includes('login'))) {
      const screen = txn.screenHint === 'signup' ? 'signup' : 'login';
      return redirect(`/u/${screen}?state=${encodeURIComponent(sealTransaction(this.secrets, tenant.id, txn))}`);
    }
    if (!current) {
      throw new OAuthError(400, 'login_required', 'Login required');
    }

    if (!done.consented && (await this.needsConsent(tenant, client, current.user, txn))) {
      if (txn.prompt.includes('none')) {
        throw new OAuthError(400, 'consent_required', 'Consent required');
      }
      return redirect(`/u/consent?state=${encodeURIComponent(sealTransaction(this.secrets, tenant.id, txn))}`);
    }

    return this.respond(targetOf(txn), { ...(await this.issue(tenant, client, current, txn, browser)), state: txn.state });
  }

  /**
   * What the response type asks for: a code (bound to the request), and tokens straight from here. The
   * post-login actions run first, before any of it exists: a denial goes back to the client instead.
   */
  private async issue(
    tenant: TenantContext,
    client: ClientRecord,
    current: { session: SessionEntity; user: UserEntity },
    txn: AuthorizationTransaction,
    browser: BrowserContext,
  ): Promise<Record<string, string | undefined>> {
    const rt = txn.responseType ?? { code: true, token: false, idToken: false };
    const scope = await this.grantedScopes(tenant, client, current.user, txn);
    const actions = await this.postLogin.run({
      tenant,
      client: { clientId: client.entity.clientId, name: client.entity.name },
      user: current.user,
      connection: current.user.connection,
      protocol: 'oidc-basic-profile',
      requestedScopes: txn.requestedScopes ?? txn.scopes,
      redirectUri: txn.redirectUri,
      responseType: [rt.code && 'code', rt.idToken && 'id_token', rt.token && 'token'].filter(Boolean).join(' '),
      state: txn.state,
      audience: txn.audience,
      sessionId: current.session.id,
      authTime: current.session.authTime,
      request: { ip: browser.ip, userAgent: browser.userAgent, method: 'GET', query: authorizeQueryOf(txn) },
    });
    const code = rt.code
      ? await this.codes.issue({
          tenantId: tenant.id,
          clientId: client.entity.clientId,
          userId: current.user.userId,
          sessionId: current.session.id,
          redirectUri: txn.redirectUriGiven ? txn.redirectUri : null,
          scope,
          audience: txn.audience ?? null,
          nonce: txn.nonce ?? null,
          codeChallenge: txn.codeChallenge ?? null,
          codeChallengeMethod: txn.codeChallengeMethod ?? null,
          authTime: current.session.authTime,
          actionResult: actions === NO_OUTCOME ? null : JSON.stringify(actions),
        })
      : undefined;
    const tokens = issuesFromAuthorize(rt)
      ? await this.tokens.issue({
          tenant,
          client,
          user: current.user,
          scopes: scope,
          api: txn.audience ? await this.apis.findForToken(tenant.id, txn.audience) : undefined,
          nonce: txn.nonce,
          authTime: current.session.authTime,
          sessionId: current.session.id,
          accessToken: rt.token,
          idToken: rt.idToken,
          code,
          actions: actions === NO_OUTCOME ? undefined : actions,
        })
      : {};
    return { code, ...tokens };
  }

  /** The code's scopes: the transaction's, or decided again now that the user is known. */
  private async grantedScopes(
    tenant: TenantContext,
    client: ClientRecord,
    user: UserEntity,
    txn: AuthorizationTransaction,
  ): Promise<string[]> {
    if (txn.requestedScopes === undefined) {
      return txn.scopes;
    }
    const api = txn.audience ? await this.apis.findForToken(tenant.id, txn.audience) : undefined;
    // Role names matter only for the Management API asked through the dashboard client (the admin role).
    const roles =
      api?.entity.isSystem && client.entity.systemRole === 'dashboard'
        ? { names: await this.roles.roleNamesOfUser(tenant.id, user.userId), adminRole: this.roles.adminRoleName }
        : undefined;
    const party = userFlowPartyOf(client.entity, user, roles);
    const scopes = grantableUserScopes(txn.requestedScopes, api && userFlowApiOf(api), party);
    if (roles && !hasAdminRole(party) && isTenantAdmin(user.appMetadata) && scopes.some((s) => api?.scopeValues.has(s))) {
      this.logger.warn(
        `user ${user.userId} of tenant ${tenant.id} is a dashboard admin through app_metadata.roles ["admin"], which is deprecated and ` +
          `will stop working in the next release: assign the role "${roles.adminRole}" instead (POST /api/v2/users/{id}/roles)`,
      );
    }
    return scopes;
  }

  /** First-party clients never ask; third-party clients ask until the user consented to these scopes. */
  private async needsConsent(
    tenant: TenantContext,
    client: ClientRecord,
    user: UserEntity,
    txn: AuthorizationTransaction,
  ): Promise<boolean> {
    if (client.entity.isFirstParty) {
      return false;
    }
    if (txn.prompt.includes('consent')) {
      return true;
    }
    return !(await this.consents.covers(tenant.id, user.userId, client.entity.clientId, txn.audience, txn.scopes));
  }

  /**
   * The browser's live session and its user. A blocked user's session ends here and the error goes to
   * the client, as Auth0 reports it.
   */
  private async currentUser(
    tenant: TenantContext,
    settings: TenantEntity,
    browser: BrowserContext,
  ): Promise<{ session: SessionEntity; user: UserEntity } | undefined> {
    const session = await this.sessions.resume(tenant, settings, browser.cookies.get(SESSION_COOKIE));
    if (!session) {
      return undefined;
    }
    const user = await this.users.find(tenant.id, session.userId);
    if (!user) {
      return undefined;
    }
    if (user.blocked) {
      await this.sessions.endById(tenant.id, session.id);
      throw new OAuthError(401, 'unauthorized', 'user is blocked');
    }
    return { session, user };
  }

  private async renderLogin(
    tenant: TenantContext,
    settings: TenantEntity,
    client: ClientRecord,
    txn: AuthorizationTransaction,
    sealed: string,
    browser: BrowserContext,
    status: number,
    username?: string,
    error?: string,
  ): Promise<WebOutcome> {
    // "Sign up" only where the connection takes sign-ups from this client.
    const use = await this.connections.forClient(tenant.id, txn.connection ?? DATABASE_CONNECTION, client.entity);
    const signupOpen = !('problem' in use) && use.options.disable_signup !== true;
    const did = this.sessions.browserId(tenant, browser.cookies.get(BROWSER_COOKIE));
    const html = loginPage({
      tenantName: settings.friendlyName || 'Tessera',
      clientName: client.entity.name,
      ...formTarget('/u/login', sealed, this.sessions.csrfToken(did.id, txn.id, 'login')),
      username,
      error,
      links: {
        reset: `/u/reset-password?state=${encodeURIComponent(sealed)}`,
        signup: signupOpen ? `/u/signup?state=${encodeURIComponent(sealed)}` : undefined,
      },
    });
    return pageFor(txn, status, html, did.cookie ? [did.cookie] : []);
  }

  /**
   * Answers the client at its redirect_uri: in the query, in the fragment, as an auto-submitted form
   * (form_post), or as a message posted to the page that opened or framed this one (web_message).
   */
  private respond(target: ResponseTarget, fields: Record<string, string | undefined>): WebOutcome {
    if (target.responseMode === 'web_message') {
      const nonce = this.secrets.newId();
      const origin = originOf(target.redirectUri) as string; // checked at /authorize
      const response = Object.fromEntries(Object.entries(fields).filter((e): e is [string, string] => e[1] !== undefined));
      return { kind: 'page', status: 200, html: webMessagePage(origin, response, nonce), scriptNonce: nonce, frameAncestor: origin };
    }
    if (target.responseMode === 'form_post') {
      const nonce = this.secrets.newId();
      return {
        kind: 'page',
        status: 200,
        html: formPostPage(target.redirectUri, fields, nonce),
        scriptNonce: nonce,
        formTarget: formActionSource(target.redirectUri),
      };
    }
    const url = new URL(target.redirectUri);
    if (target.responseMode === 'fragment') {
      const hash = new URLSearchParams();
      for (const [k, v] of Object.entries(fields)) {
        if (v !== undefined) {
          hash.set(k, v);
        }
      }
      url.hash = hash.toString();
      return redirect(url.href);
    }
    for (const [k, v] of Object.entries(fields)) {
      if (v !== undefined) {
        url.searchParams.set(k, v);
      }
    }
    return redirect(url.href);
  }
}

/** A posted form's fields, or the error page for a malformed one (repeated or non-string fields). */
function readForm(body: unknown, names: string[]): OAuthParams | { outcome: WebOutcome } {
  try {
    return readOAuthParams(body, names);
  } catch (e) {
    if (e instanceof OAuthError) {
      return { outcome: page(400, errorPage(e.error, e.description)) };
    }
    throw e;
  }
}

/** `event.request.query` of the code flow: the authorization request's parameters, from the transaction. */
function authorizeQueryOf(txn: AuthorizationTransaction): Record<string, string> {
  const q: Record<string, string | undefined> = {
    client_id: txn.clientId,
    redirect_uri: txn.redirectUri,
    response_type: 'code',
    response_mode: txn.responseMode === 'form_post' ? 'form_post' : undefined,
    scope: (txn.requestedScopes ?? txn.scopes).join(' '),
    audience: txn.audience,
    state: txn.state,
    nonce: txn.nonce,
    prompt: txn.prompt.length ? txn.prompt.join(' ') : undefined,
  };
  return Object.fromEntries(Object.entries(q).filter((e): e is [string, string] => e[1] !== undefined));
}

function targetOf(txn: AuthorizationTransaction): ResponseTarget {
  return { redirectUri: txn.redirectUri, responseMode: txn.responseMode, state: txn.state };
}

/**
 * Where a login or consent form posts. The CSRF token rides both in a hidden field and in the action URL,
 * so a client that submits only the visible inputs still proves it read the page; the token is worthless
 * without the browser's HttpOnly, SameSite=Lax cookie it is derived from.
 */
function formTarget(path: string, sealed: string, csrf: string): { action: string; hidden: Record<string, string> } {
  return {
    action: `${path}?${new URLSearchParams({ state: sealed, _csrf: csrf })}`,
    hidden: { state: sealed, _csrf: csrf },
  };
}

function queryString(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

function untrusted(error: string, description: string): WebOutcome {
  return page(400, errorPage(error, description));
}

function expiredTransaction(): WebOutcome {
  return page(
    400,
    errorPage('invalid_request', 'This login link has expired or is invalid. Go back to the application and sign in again.'),
  );
}

/** A login or consent page: its form, and the redirect after it, may reach the client's callback. */
function pageFor(txn: AuthorizationTransaction, status: number, html: string, cookies: CookieSpec[]): WebOutcome {
  return { kind: 'page', status, html, cookies, formTarget: formActionSource(txn.redirectUri) };
}

function withCookies(outcome: WebOutcome, cookies: CookieSpec[]): WebOutcome {
  return { ...outcome, cookies: [...(outcome.cookies ?? []), ...cookies] };
}

function describeScope(scope: string, api: ApiRecord | undefined): string {
  return OIDC_SCOPE_TEXT[scope] ?? api?.entity.scopes.find((s) => s.value === scope)?.description ?? scope;
}
