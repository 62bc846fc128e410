import { Injectable } from '@nestjs/common';
import { ApisService, type ApiRecord } from '../apis/apis.service.js';
import { page, redirect, type WebOutcome } from '../common/web-outcome.js';
import type { TenantContext } from '../tenants/tenant-context.js';
import { AuthorizationResponder, targetOf } from './authorization-responder.js';
import {
  expiredTransaction,
  pageFor,
  pageLink,
  postedCsrf,
  postedState,
  readForm,
  type BrowserContext,
  type ResumedTransaction,
} from './browser-step.js';
import { CompletionStep } from './completion.step.js';
import { ConsentsService } from './consents.service.js';
import { consentPage, errorPage } from './pages.js';
import { ResumeTransactionStep, type CurrentUser } from './resume-transaction.step.js';
import type { AuthorizationTransaction } from './authorization-transaction.js';

const OIDC_SCOPE_TEXT: Record<string, string> = {
  openid: 'Sign you in with your account',
  profile: 'Your name, nickname and picture',
  email: 'Your email address and whether it is verified',
  address: 'Your postal address',
  phone: 'Your phone number',
  offline_access: 'Keep access while you are away',
};

/** The consent page a third-party client's user sees: the scopes asked for, accepted or declined. */
@Injectable()
export class ConsentStep {
  constructor(
    private readonly resume: ResumeTransactionStep,
    private readonly completion: CompletionStep,
    private readonly responder: AuthorizationResponder,
    private readonly apis: ApisService,
    private readonly consents: ConsentsService,
  ) {}

  /** GET /u/consent */
  async page(tenant: TenantContext, query: Record<string, unknown>, browser: BrowserContext): Promise<WebOutcome> {
    const sealed = query.state;
    const txn = this.resume.transaction(tenant, sealed);
    if (!txn || typeof sealed !== 'string') {
      return expiredTransaction();
    }
    const resumed = await this.withUser(tenant, txn, sealed, browser);
    if ('outcome' in resumed) {
      return resumed.outcome;
    }
    const { settings, client, current } = resumed;
    const { cookies, ...form } = this.resume.form(tenant, browser, txn, sealed, '/u/consent', 'consent');
    const api = txn.audience ? await this.apis.findByIdentifier(tenant.id, txn.audience) : undefined;
    const html = consentPage({
      tenantName: settings.friendlyName || 'Tessera',
      clientName: client.entity.name,
      userEmail: current.user.email,
      apiName: api?.entity.name,
      scopes: txn.scopes.map((s) => ({ value: s, description: describeScope(s, api) })),
      ...form,
    });
    return pageFor(txn, 200, html, cookies);
  }

  /** POST /u/consent */
  async consent(tenant: TenantContext, query: Record<string, unknown>, body: unknown, browser: BrowserContext): Promise<WebOutcome> {
    const form = readForm(body, ['decision', '_csrf', 'state']);
    if ('outcome' in form) {
      return form.outcome;
    }
    const sealed = postedState(query, form);
    const txn = this.resume.transaction(tenant, sealed);
    if (!txn || !sealed) {
      return expiredTransaction();
    }
    if (!this.resume.csrfValid(browser, txn, 'consent', postedCsrf(query, form))) {
      return page(
        403,
        errorPage('access_denied', 'The consent form expired or was not sent from this browser. Go back to the application and try again.'),
      );
    }
    const resumed = await this.withUser(tenant, txn, sealed, browser);
    if ('outcome' in resumed) {
      return resumed.outcome;
    }
    const { client, current } = resumed;
    if (form.get('decision') !== 'accept') {
      return this.responder.reject(targetOf(txn), 'access_denied', 'User did not authorize the request');
    }
    await this.consents.grant(tenant.id, current.user.userId, client.entity.clientId, txn.audience, txn.scopes);
    return this.completion.finish(tenant, resumed, browser, { ...current, consented: true });
  }

  /** The transaction's client and the browser's user; without a user, the login page first. */
  private async withUser(
    tenant: TenantContext,
    txn: AuthorizationTransaction,
    sealed: string,
    browser: BrowserContext,
  ): Promise<(ResumedTransaction & { current: CurrentUser }) | { outcome: WebOutcome }> {
    const settings = await this.resume.settings(tenant);
    const current = await this.resume.currentUser(tenant, settings, browser);
    if (!current) {
      return { outcome: redirect(pageLink('/u/login', sealed)) };
    }
    const found = await this.resume.client(tenant, txn);
    if ('outcome' in found) {
      return found;
    }
    return { txn, sealed, client: found.client, settings, current };
  }
}

function describeScope(scope: string, api: ApiRecord | undefined): string {
  return OIDC_SCOPE_TEXT[scope] ?? api?.entity.scopes.find((s) => s.value === scope)?.description ?? scope;
}
