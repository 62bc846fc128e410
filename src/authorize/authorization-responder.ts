import { Injectable } from '@nestjs/common';
import { redirect, type WebOutcome } from '../common/web-outcome.js';
import type { OAuthError } from '../errors/api-error.js';
import { SecretsService } from '../keys/secrets.service.js';
import { originOf } from '../rules/browser-origins.js';
import { formActionSource } from '../rules/redirect-uris.js';
import type { ResponseMode } from '../rules/response-types.js';
import type { AuthorizationTransaction } from './authorization-transaction.js';
import { formPostPage, webMessagePage } from './pages.js';

/** Where a response for the client goes once its client_id and redirect_uri are trusted. */
export interface ResponseTarget {
  redirectUri: string;
  responseMode: ResponseMode;
  state?: string;
}

export function targetOf(txn: AuthorizationTransaction): ResponseTarget {
  return { redirectUri: txn.redirectUri, responseMode: txn.responseMode, state: txn.state };
}

/**
 * Answers the client at its redirect_uri: in the query, in the fragment, as an auto-submitted form
 * (form_post), or as a message posted to the page that opened or framed this one (web_message).
 */
@Injectable()
export class AuthorizationResponder {
  constructor(private readonly secrets: SecretsService) {}

  /** An error for the client, with the request's `state`. */
  reject(target: ResponseTarget, error: string, description: string): WebOutcome {
    return this.respond(target, { error, error_description: description, state: target.state });
  }

  rejectWith(target: ResponseTarget, e: OAuthError): WebOutcome {
    return this.reject(target, e.error, e.description);
  }

  respond(target: ResponseTarget, fields: Record<string, string | undefined>): WebOutcome {
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
    const defined = Object.entries(fields).filter((e): e is [string, string] => e[1] !== undefined);
    if (target.responseMode === 'fragment') {
      url.hash = new URLSearchParams(defined).toString();
      return redirect(url.href);
    }
    for (const [k, v] of defined) {
      url.searchParams.set(k, v);
    }
    return redirect(url.href);
  }
}
