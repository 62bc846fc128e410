import type { Response } from 'express';
import { serializeCookies, type CookieSpec } from './cookies.js';

/** What a browser-facing endpoint answers: a redirect or an HTML page, with cookies to set. */
export type WebOutcome =
  | { kind: 'redirect'; location: string; cookies?: CookieSpec[] }
  | {
      kind: 'page';
      status: number;
      html: string;
      cookies?: CookieSpec[];
      scriptNonce?: string;
      formTarget?: string;
      /** The one origin that may frame this page (a web_message response in a hidden iframe). */
      frameAncestor?: string;
    };

export const page = (status: number, html: string, cookies?: CookieSpec[]): WebOutcome => ({ kind: 'page', status, html, cookies });
export const redirect = (location: string, cookies?: CookieSpec[]): WebOutcome => ({ kind: 'redirect', location, cookies });

/**
 * Writes an outcome with the headers every interactive page needs: no caching, no framing (clickjacking
 * on the login and consent forms), no referrer (URLs carry the sealed transaction), and a CSP that allows
 * no script except the form_post auto-submit.
 */
export function sendWebOutcome(res: Response, outcome: WebOutcome): void {
  res.setHeader('Cache-Control', 'no-store');
  res.setHeader('Pragma', 'no-cache');
  res.setHeader('Referrer-Policy', 'no-referrer');
  res.setHeader('X-Content-Type-Options', 'nosniff');
  if (outcome.cookies?.length) {
    res.setHeader('Set-Cookie', outcome.cookies.flatMap(serializeCookies));
  }
  if (outcome.kind === 'redirect') {
    res.redirect(302, outcome.location);
    return;
  }
  const scriptSrc = outcome.scriptNonce ? `'nonce-${outcome.scriptNonce}'` : "'none'";
  const formAction = outcome.formTarget ? `'self' ${outcome.formTarget}` : "'self'";
  res.setHeader(
    'Content-Security-Policy',
    `default-src 'none'; style-src 'unsafe-inline'; img-src 'self' https: data:; script-src ${scriptSrc}; form-action ${formAction}; frame-ancestors ${outcome.frameAncestor ?? "'none'"}; base-uri 'none'`,
  );
  if (!outcome.frameAncestor) {
    res.setHeader('X-Frame-Options', 'DENY');
  }
  res.status(outcome.status).type('html').send(outcome.html);
}
