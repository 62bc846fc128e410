import { Injectable } from '@nestjs/common';
import type { CookieSpec } from '../common/cookies.js';
import { page, redirect, type WebOutcome } from '../common/web-outcome.js';
import { ClientsService, type ClientRecord } from '../clients/clients.service.js';
import { OAuthError } from '../errors/api-error.js';
import { IdTokenHintVerifier } from '../keys/id-token-hint.verifier.js';
import { LogsService } from '../logs/logs.service.js';
import { formActionSource, isAllowedLogoutUrl } from '../rules/redirect-uris.js';
import { BROWSER_COOKIE, SESSION_COOKIE, SessionsService } from '../sessions/sessions.service.js';
import type { TenantContext } from '../tenants/tenant-context.js';
import { TenantsService } from '../tenants/tenants.service.js';
import { readOAuthParams, type OAuthParams } from '../common/oauth-params.js';
import { loggedOutPage, logoutConfirmPage, logoutErrorPage } from './pages.js';

export interface LogoutBrowser {
  cookies: Map<string, string>;
  ip?: string;
  userAgent?: string;
}

const V2_PARAMS = ['returnTo', 'client_id', 'federated'] as const;
const OIDC_PARAMS = ['id_token_hint', 'post_logout_redirect_uri', 'state', 'client_id', 'logout_hint', 'ui_locales', 'federated'] as const;

const bad = (description: string): WebOutcome => page(400, logoutErrorPage('invalid_request', description));

/**
 * Ends the browser's session at the tenant: Auth0's `/v2/logout` and OIDC RP-Initiated Logout
 * (`/oidc/logout`, the discovery document's `end_session_endpoint`). A browser is sent back only to a
 * URL in the client's Allowed Logout URLs (or the tenant's, when no client is named); a bad URL is
 * refused on a page and nothing is logged out.
 */
@Injectable()
export class LogoutService {
  constructor(
    private readonly tenants: TenantsService,
    private readonly clients: ClientsService,
    private readonly sessions: SessionsService,
    private readonly hints: IdTokenHintVerifier,
    private readonly logs: LogsService,
  ) {}

  /** GET /v2/logout */
  async v2Logout(tenant: TenantContext, query: unknown, browser: LogoutBrowser): Promise<WebOutcome> {
    const params = this.read(query, V2_PARAMS);
    if (params instanceof OAuthError) {
      return bad(params.description);
    }
    const client = await this.namedClient(tenant, params.get('client_id'));
    if (client === null) {
      return bad(`Unknown client: ${params.get('client_id')}`);
    }
    const returnTo = params.get('returnTo');
    const settings = await this.tenants.get(tenant.id);
    const allowed = client ? client.entity.allowedLogoutUrls : settings.allowedLogoutUrls;
    if (returnTo !== undefined && !isAllowedLogoutUrl(allowed, returnTo)) {
      return bad(
        `The "returnTo" querystring parameter "${returnTo}" is not defined as a valid URL in "Allowed Logout URLs" of the ${client ? 'application' : 'tenant'}.`,
      );
    }
    const cleared = await this.endSession(tenant, browser, client?.entity.clientId);
    // Auth0: with a client and no returnTo, the browser goes to the client's first Allowed Logout URL.
    const target = returnTo ?? client?.entity.allowedLogoutUrls[0];
    return target ? redirect(target, [cleared]) : page(200, loggedOutPage(settings.friendlyName || 'Tessera'), [cleared]);
  }

  /** GET or POST /oidc/logout */
  async oidcLogout(
    tenant: TenantContext,
    input: unknown,
    confirmation: Record<string, unknown> | undefined,
    browser: LogoutBrowser,
  ): Promise<WebOutcome> {
    const params = this.read(input, OIDC_PARAMS);
    if (params instanceof OAuthError) {
      return bad(params.description);
    }
    const settings = await this.tenants.get(tenant.id);
    let hint: { aud: string; sub?: string } | undefined;
    const hintToken = params.get('id_token_hint');
    if (hintToken) {
      try {
        hint = await this.hints.verify(
          hintToken,
          tenant.id,
          tenant.issuer,
          async (id) => (await this.clients.findByClientId(tenant.id, id))?.clientSecret,
        );
      } catch {
        return bad('The id_token_hint is not a valid ID token issued by this tenant.');
      }
    }
    const clientId = params.get('client_id');
    if (hint && clientId && clientId !== hint.aud) {
      return bad('client_id does not match the audience of the id_token_hint.');
    }
    const client = await this.namedClient(tenant, clientId ?? hint?.aud);
    if (client === null) {
      return bad(`Unknown client: ${clientId ?? hint?.aud}`);
    }
    const postLogout = params.get('post_logout_redirect_uri');
    const allowed = client ? client.entity.allowedLogoutUrls : settings.allowedLogoutUrls;
    if (postLogout !== undefined && !isAllowedLogoutUrl(allowed, postLogout)) {
      return bad(
        `The "post_logout_redirect_uri" parameter "${postLogout}" is not defined as a valid URL in "Allowed Logout URLs" of the ${client ? 'application' : 'tenant'}.`,
      );
    }

    const session = await this.sessions.resume(tenant, settings, browser.cookies.get(SESSION_COOKIE));
    const trusted = hint !== undefined && session !== undefined && hint.sub === session.userId;
    if (session && !trusted) {
      // No hint naming this session's user: a cross-site link could be logging the user out, so ask.
      const answer = confirmation?.confirm;
      const csrfOk = this.sessions.csrfValid(
        browser.cookies.get(BROWSER_COOKIE),
        session.id,
        'logout',
        confirmation?._csrf as string | undefined,
      );
      if (!answer || !csrfOk) {
        const did = this.sessions.browserId(tenant, browser.cookies.get(BROWSER_COOKIE));
        const html = logoutConfirmPage(settings.friendlyName || 'Tessera', {
          ...Object.fromEntries(params),
          _csrf: this.sessions.csrfToken(did.id, session.id, 'logout'),
        });
        const formTarget = postLogout ? formActionSource(postLogout) : undefined;
        return { kind: 'page', status: 200, html, cookies: did.cookie ? [did.cookie] : [], formTarget };
      }
      if (answer !== 'yes') {
        return this.afterLogout(settings.friendlyName, postLogout, params.get('state'), []);
      }
    }
    const cleared = await this.endSession(tenant, browser, client?.entity.clientId);
    return this.afterLogout(settings.friendlyName, postLogout, params.get('state'), [cleared]);
  }

  private afterLogout(tenantName: string, postLogout: string | undefined, state: string | undefined, cookies: CookieSpec[]): WebOutcome {
    if (!postLogout) {
      return page(200, loggedOutPage(tenantName || 'Tessera'), cookies);
    }
    const url = new URL(postLogout);
    if (state !== undefined) {
      url.searchParams.set('state', state);
    }
    return redirect(url.href, cookies);
  }

  private async endSession(tenant: TenantContext, browser: LogoutBrowser, clientId: string | undefined): Promise<CookieSpec> {
    const ended = await this.sessions.end(tenant, browser.cookies.get(SESSION_COOKIE));
    if (ended) {
      this.logs.record({
        tenantId: tenant.id,
        type: 'slo',
        description: 'User successfully logged out',
        userId: ended.userId,
        clientId,
        ip: browser.ip,
        userAgent: browser.userAgent,
      });
    }
    return this.sessions.clearCookie(tenant);
  }

  /** undefined when no client is named, null when the named client does not exist. */
  private async namedClient(tenant: TenantContext, clientId: string | undefined): Promise<ClientRecord | undefined | null> {
    if (!clientId) {
      return undefined;
    }
    return (await this.clients.findByClientId(tenant.id, clientId)) ?? null;
  }

  private read(input: unknown, allowed: readonly string[]): OAuthParams | OAuthError {
    try {
      return readOAuthParams(input, allowed);
    } catch (e) {
      if (e instanceof OAuthError) {
        return e;
      }
      throw e;
    }
  }
}
