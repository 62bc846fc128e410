import { Injectable } from '@nestjs/common';
import type { WebOutcome } from '../common/web-outcome.js';
import { OAuthError } from '../errors/api-error.js';
import { TenantsService } from '../tenants/tenants.service.js';
import type { TenantContext } from '../tenants/tenant-context.js';
import { AuthorizationRequestValidator } from './authorization-request.validator.js';
import { AuthorizationResponder, type ResponseTarget } from './authorization-responder.js';
import type { BrowserContext } from './browser-step.js';
import { CompletionStep } from './completion.step.js';
import { ResumeTransactionStep } from './resume-transaction.step.js';

/**
 * The authorization endpoint (RFC 6749 §4.1, OIDC Core §3.1.2): trust the client and its redirect_uri,
 * validate the rest of the request into a transaction, and take it as far as it goes (the login,
 * sign-up and consent pages are the other steps in this folder). Errors that make the callback
 * untrustworthy are shown on a page; every other error goes back to the client with `error`,
 * `error_description` and `state`.
 */
@Injectable()
export class AuthorizeService {
  constructor(
    private readonly resume: ResumeTransactionStep,
    private readonly tenants: TenantsService,
    private readonly requests: AuthorizationRequestValidator,
    private readonly completion: CompletionStep,
    private readonly responder: AuthorizationResponder,
  ) {}

  /** GET and POST /authorize */
  async authorize(tenant: TenantContext, query: unknown, browser: BrowserContext): Promise<WebOutcome> {
    const trusted = await this.resume.trust(tenant, query);
    if ('outcome' in trusted) {
      return trusted.outcome;
    }
    const { params, client, redirectUri, mode, problem } = trusted;
    const target: ResponseTarget = { redirectUri: redirectUri.uri, responseMode: mode, state: params.get('state') };
    try {
      if (problem) {
        throw OAuthError.invalidRequest(problem);
      }
      const settings = await this.tenants.get(tenant.id);
      const txn = await this.requests.validate(tenant, settings, client, params, redirectUri, mode);
      return await this.completion.proceed(tenant, { settings, client, txn }, browser, {});
    } catch (e) {
      if (e instanceof OAuthError) {
        return this.responder.rejectWith(target, e);
      }
      throw e;
    }
  }
}
