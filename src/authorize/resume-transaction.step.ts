import { Injectable } from '@nestjs/common';
import { readOAuthParams, type OAuthParams } from '../common/oauth-params.js';
import type { WebOutcome } from '../common/web-outcome.js';
import { ClientsService, type ClientRecord } from '../clients/clients.service.js';
import { OAuthError } from '../errors/api-error.js';
import { SecretsService } from '../keys/secrets.service.js';
import { originOf, webMessageOriginAllowed } from '../rules/browser-origins.js';
import { registeredRedirectUri } from '../rules/redirect-uris.js';
import { chooseResponseMode, type ResponseMode } from '../rules/response-types.js';
import { BROWSER_COOKIE, SESSION_COOKIE, SessionsService } from '../sessions/sessions.service.js';
import type { SessionEntity } from '../sessions/session.entity.js';
import type { TenantContext } from '../tenants/tenant-context.js';
import type { TenantEntity } from '../tenants/tenant.entity.js';
import { TenantsService } from '../tenants/tenants.service.js';
import type { CookieSpec } from '../common/cookies.js';
import type { UserEntity } from '../users/user.entity.js';
import { UsersService } from '../users/users.service.js';
import { AUTHORIZE_PARAMS } from './authorization-request.validator.js';
import { openTransaction, sealTransaction, type AuthorizationTransaction } from './authorization-transaction.js';
import {
  expiredTransaction,
  postedCsrf,
  postedState,
  readForm,
  untrusted,
  type BrowserContext,
  type ResumedTransaction,
} from './browser-step.js';

/** An /authorize request whose client and redirect_uri can be answered. */
export interface TrustedRequest {
  params: OAuthParams;
  client: ClientRecord;
  redirectUri: { uri: string; given: boolean };
  mode: ResponseMode;
  /** What is wrong with response_type or response_mode, to send back to the client. */
  problem?: string;
}

export interface CurrentUser {
  session: SessionEntity;
  user: UserEntity;
}

/**
 * What every step of the authorization request starts with: which client may be answered and where
 * (at /authorize), or the sealed transaction, its client and the tenant's settings (on the pages
 * behind it); the browser's user; and the CSRF-bound forms those pages post.
 */
@Injectable()
export class ResumeTransactionStep {
  constructor(
    private readonly secrets: SecretsService,
    private readonly tenants: TenantsService,
    private readonly clients: ClientsService,
    private readonly sessions: SessionsService,
    private readonly users: UsersService,
  ) {}

  /** Errors that make the callback untrustworthy are shown on a page, never sent to it. */
  async trust(tenant: TenantContext, query: unknown): Promise<TrustedRequest | { outcome: WebOutcome }> {
    let params: OAuthParams;
    try {
      params = readOAuthParams(query, AUTHORIZE_PARAMS);
    } catch (e) {
      if (e instanceof OAuthError) {
        return { outcome: untrusted(e.error, e.description) };
      }
      throw e;
    }
    const clientId = params.get('client_id');
    if (!clientId) {
      return { outcome: untrusted('invalid_request', 'Missing required parameter: client_id') };
    }
    const client = await this.clients.findByClientId(tenant.id, clientId);
    if (!client) {
      return { outcome: untrusted('invalid_request', `Unknown client: ${clientId}`) };
    }
    const redirectUri = registeredRedirectUri(client.entity.callbacks, params.get('redirect_uri'));
    if (!redirectUri) {
      const given = params.get('redirect_uri');
      return {
        outcome: untrusted(
          'invalid_request',
          given !== undefined
            ? `Callback URL mismatch. ${given} is not in the list of allowed callback URLs of the client.`
            : 'Missing required parameter: redirect_uri',
        ),
      };
    }
    const { mode, problem } = chooseResponseMode(params.get('response_type'), params.get('response_mode'));
    if (mode === 'web_message' && !webMessageOriginAllowed(client.entity.webOrigins, originOf(redirectUri.uri) ?? '')) {
      // Auth0: a web message goes only to an Allowed Web Origin; anything else is shown, never posted.
      return {
        outcome: untrusted(
          'invalid_request',
          `The origin of ${redirectUri.uri} is not in the Allowed Web Origins of the client, so response_mode=web_message cannot answer it.`,
        ),
      };
    }
    return { params, client, redirectUri, mode, problem };
  }

  /** The transaction, its client and the tenant's settings, or the page to show instead. */
  async open(tenant: TenantContext, sealed: unknown): Promise<ResumedTransaction | { outcome: WebOutcome }> {
    const txn = this.transaction(tenant, sealed);
    if (!txn || typeof sealed !== 'string') {
      return { outcome: expiredTransaction() };
    }
    const client = await this.client(tenant, txn);
    if ('outcome' in client) {
      return client;
    }
    return { txn, sealed, client: client.client, settings: await this.tenants.get(tenant.id) };
  }

  /**
   * A form posted from one of those pages: its fields, the transaction it names, and whether it carries
   * this browser's CSRF token for `purpose`; or the page to show instead.
   */
  async openPosted(
    tenant: TenantContext,
    posted: { query: Record<string, unknown>; body: unknown; browser: BrowserContext },
    purpose: string,
    fields: string[],
  ): Promise<(ResumedTransaction & { form: OAuthParams; csrfValid: boolean }) | { outcome: WebOutcome }> {
    const form = readForm(posted.body, fields);
    if ('outcome' in form) {
      return form;
    }
    const opened = await this.open(tenant, postedState(posted.query, form));
    if ('outcome' in opened) {
      return opened;
    }
    return { ...opened, form, csrfValid: this.csrfValid(posted.browser, opened.txn, purpose, postedCsrf(posted.query, form)) };
  }

  transaction(tenant: TenantContext, sealed: unknown): AuthorizationTransaction | undefined {
    return openTransaction(this.secrets, tenant.id, sealed);
  }

  seal(tenant: TenantContext, txn: AuthorizationTransaction): string {
    return sealTransaction(this.secrets, tenant.id, txn);
  }

  async client(tenant: TenantContext, txn: AuthorizationTransaction): Promise<{ client: ClientRecord } | { outcome: WebOutcome }> {
    const client = await this.clients.findByClientId(tenant.id, txn.clientId);
    return client ? { client } : { outcome: untrusted('invalid_request', `Unknown client: ${txn.clientId}`) };
  }

  settings(tenant: TenantContext): Promise<TenantEntity> {
    return this.tenants.get(tenant.id);
  }

  /**
   * The browser's live session and its user. A blocked user's session ends here and the error goes to
   * the client, as Auth0 reports it.
   */
  async currentUser(tenant: TenantContext, settings: TenantEntity, browser: BrowserContext): Promise<CurrentUser | undefined> {
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

  /**
   * Where a page's form posts, and the browser-id cookie its CSRF token is derived from. The token rides
   * both in a hidden field and in the action URL, so a client that submits only the visible inputs still
   * proves it read the page; it is worthless without the browser's HttpOnly, SameSite=Lax cookie.
   */
  form(
    tenant: TenantContext,
    browser: BrowserContext,
    txn: AuthorizationTransaction,
    sealed: string,
    path: string,
    purpose: string,
  ): { action: string; hidden: Record<string, string>; cookies: CookieSpec[] } {
    const did = this.sessions.browserId(tenant, browser.cookies.get(BROWSER_COOKIE));
    const csrf = this.sessions.csrfToken(did.id, txn.id, purpose);
    return {
      action: `${path}?${new URLSearchParams({ state: sealed, _csrf: csrf })}`,
      hidden: { state: sealed, _csrf: csrf },
      cookies: did.cookie ? [did.cookie] : [],
    };
  }

  csrfValid(browser: BrowserContext, txn: AuthorizationTransaction, purpose: string, csrf: string | undefined): boolean {
    return this.sessions.csrfValid(browser.cookies.get(BROWSER_COOKIE), txn.id, purpose, csrf);
  }
}
