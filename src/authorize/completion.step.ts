import { Injectable, Logger } from '@nestjs/common';
import { NO_OUTCOME, PostLoginService } from '../actions/post-login.service.js';
import { ApisService } from '../apis/apis.service.js';
import type { CookieSpec } from '../common/cookies.js';
import { redirect, type WebOutcome } from '../common/web-outcome.js';
import type { ClientRecord } from '../clients/clients.service.js';
import { OAuthError } from '../errors/api-error.js';
import { issuesFromAuthorize } from '../rules/response-types.js';
import { grantableUserScopes, hasAdminRole, isTenantAdmin, userFlowApiOf, userFlowPartyOf } from '../rules/user-flow-scopes.js';
import { RolesService } from '../roles/roles.service.js';
import type { TenantContext } from '../tenants/tenant-context.js';
import type { UserEntity } from '../users/user.entity.js';
import { AuthorizationCodesService } from './authorization-codes.service.js';
import { AuthorizationResponder, targetOf } from './authorization-responder.js';
import { AuthorizationTokens } from './authorization-tokens.js';
import type { AuthorizationTransaction } from './authorization-transaction.js';
import { pageLink, withCookies, type BrowserContext, type ResumedTransaction } from './browser-step.js';
import { ConsentsService } from './consents.service.js';
import { ResumeTransactionStep, type CurrentUser } from './resume-transaction.step.js';

/** What has already happened in this browser round trip. */
export interface Done {
  session?: CurrentUser['session'];
  user?: UserEntity;
  consented?: boolean;
}

/**
 * The end of every path through /authorize: with a validated transaction, send the browser to the login
 * or consent page while one is still needed; else run the post-login actions and answer the client with
 * what the response type asks for (a code, tokens, or both).
 */
@Injectable()
export class CompletionStep {
  private readonly logger = new Logger('Authorize');

  constructor(
    private readonly resume: ResumeTransactionStep,
    private readonly responder: AuthorizationResponder,
    private readonly consents: ConsentsService,
    private readonly apis: ApisService,
    private readonly roles: RolesService,
    private readonly postLogin: PostLoginService,
    private readonly codes: AuthorizationCodesService,
    private readonly tokens: AuthorizationTokens,
  ) {}

  /** `proceed`, with an error for the client sent to it; `cookies` are set either way. */
  async finish(
    tenant: TenantContext,
    r: ResumedTransaction,
    browser: BrowserContext,
    done: Done,
    cookies: CookieSpec[] = [],
  ): Promise<WebOutcome> {
    let outcome: WebOutcome;
    try {
      outcome = await this.proceed(tenant, r, browser, done);
    } catch (e) {
      if (!(e instanceof OAuthError)) {
        throw e;
      }
      outcome = this.responder.rejectWith(targetOf(r.txn), e);
    }
    return cookies.length ? withCookies(outcome, cookies) : outcome;
  }

  /** Takes a validated transaction as far as it can go: to the login page, to the consent page, or to the client. */
  async proceed(
    tenant: TenantContext,
    { settings, client, txn }: Omit<ResumedTransaction, 'sealed'>,
    browser: BrowserContext,
    done: Done,
  ): Promise<WebOutcome> {
    const current =
      done.session && done.user ? { session: done.session, user: done.user } : await this.resume.currentUser(tenant, settings, browser);
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
      return redirect(pageLink(`/u/${screen}`, this.resume.seal(tenant, txn)));
    }
    if (!current) {
      throw new OAuthError(400, 'login_required', 'Login required');
    }

    if (!done.consented && (await this.needsConsent(tenant, client, current.user, txn))) {
      if (txn.prompt.includes('none')) {
        throw new OAuthError(400, 'consent_required', 'Consent required');
      }
      return redirect(pageLink('/u/consent', this.resume.seal(tenant, txn)));
    }

    const fields = await this.codeAndTokens(tenant, client, current, txn, browser);
    return this.responder.respond(targetOf(txn), { ...fields, state: txn.state });
  }

  /**
   * What the response type asks for: a code (bound to the request), and tokens straight from here. The
   * post-login actions run first, before any of it exists: a denial goes back to the client instead.
   */
  private async codeAndTokens(
    tenant: TenantContext,
    client: ClientRecord,
    current: CurrentUser,
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
      ? await this.codes.create({
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
      ? await this.tokens.issueAtAuthorization({
          tenant,
          client,
          user: current.user,
          scopes: scope,
          api: txn.audience ? await this.apis.findByIdentifier(tenant.id, txn.audience) : undefined,
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
    const api = txn.audience ? await this.apis.findByIdentifier(tenant.id, txn.audience) : undefined;
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
