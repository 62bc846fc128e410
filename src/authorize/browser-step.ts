import type { CookieSpec } from '../common/cookies.js';
import { readOAuthParams, type OAuthParams } from '../common/oauth-params.js';
import { page, type WebOutcome } from '../common/web-outcome.js';
import type { ClientRecord } from '../clients/clients.service.js';
import { OAuthError } from '../errors/api-error.js';
import { formActionSource } from '../rules/redirect-uris.js';
import type { TenantEntity } from '../tenants/tenant.entity.js';
import type { AuthorizationTransaction } from './authorization-transaction.js';
import { errorPage } from './pages.js';

/** What the request brought along from the browser. */
export interface BrowserContext {
  cookies: Map<string, string>;
  ip?: string;
  userAgent?: string;
}

/** An authorization request picked up again on one of the pages behind /authorize. */
export interface ResumedTransaction {
  txn: AuthorizationTransaction;
  /** The transaction as the browser carries it, for the next form and link. */
  sealed: string;
  client: ClientRecord;
  settings: TenantEntity;
}

/** A posted form's fields, or the error page for a malformed one (repeated or non-string fields). */
export function readForm(body: unknown, names: string[]): OAuthParams | { outcome: WebOutcome } {
  try {
    return readOAuthParams(body, names);
  } catch (e) {
    if (e instanceof OAuthError) {
      return { outcome: page(400, errorPage(e.error, e.description)) };
    }
    throw e;
  }
}

/** The sealed transaction a form post names: in the action URL's query, else in the hidden field. */
export function postedState(query: Record<string, unknown>, form: OAuthParams): string | undefined {
  return typeof query.state === 'string' ? query.state : form.get('state');
}

/** The CSRF token a form post carries: in the hidden field, else in the action URL's query. */
export function postedCsrf(query: Record<string, unknown>, form: OAuthParams): string | undefined {
  const fromQuery = typeof query._csrf === 'string' ? query._csrf : undefined;
  return form.get('_csrf') ?? fromQuery;
}

export function untrusted(error: string, description: string): WebOutcome {
  return page(400, errorPage(error, description));
}

export function expiredTransaction(): WebOutcome {
  return page(
    400,
    errorPage('invalid_request', 'This login link has expired or is invalid. Go back to the application and sign in again.'),
  );
}

/** A login or consent page: its form, and the redirect after it, may reach the client's callback. */
export function pageFor(txn: AuthorizationTransaction, status: number, html: string, cookies: CookieSpec[]): WebOutcome {
  return { kind: 'page', status, html, cookies, formTarget: formActionSource(txn.redirectUri) };
}

export function withCookies(outcome: WebOutcome, cookies: CookieSpec[]): WebOutcome {
  return { ...outcome, cookies: [...(outcome.cookies ?? []), ...cookies] };
}

/** A link to another page of the same transaction. */
export function pageLink(path: string, sealed: string): string {
  return `${path}?state=${encodeURIComponent(sealed)}`;
}
