import type { SecretsService } from '../keys/secrets.service.js';
import type { ResponseMode, ResponseType } from '../rules/response-types.js';

/**
 * An authorization request in progress, validated once at /authorize and then carried, sealed
 * (AES-GCM, bound to the tenant), through the login and consent pages. Nothing can be changed or forged
 * on the way, and the server keeps no state for abandoned logins.
 */
export interface AuthorizationTransaction {
  id: string;
  exp: number;
  clientId: string;
  redirectUri: string;
  /** False when the request named no redirect_uri (the client's only callback was used). */
  redirectUriGiven: boolean;
  /** What the client gets back; undefined in transactions sealed before response types existed (a code). */
  responseType?: ResponseType;
  responseMode: ResponseMode;
  state?: string;
  nonce?: string;
  /** Scopes that will be granted (before the user is known). */
  scopes: string[];
  /** The scopes asked for, when the granted ones depend on who logs in (the dashboard client). */
  requestedScopes?: string[];
  /** API identifier, or undefined for no API (a userinfo-only token). */
  audience?: string;
  codeChallenge?: string;
  codeChallengeMethod?: string;
  prompt: string[];
  maxAge?: number;
  loginHint?: string;
}

/** Long enough to read a login page and type a password; a fresh /authorize starts a new one. */
export const TRANSACTION_LIFETIME_SECONDS = 3600;

const context = (tenantId: string) => `authorize_txn:${tenantId}`;

export function sealTransaction(secrets: SecretsService, tenantId: string, txn: AuthorizationTransaction): string {
  return secrets.seal(JSON.stringify(txn), context(tenantId));
}

/** The transaction, or undefined when the value is not one of ours, is for another tenant, or expired. */
export function openTransaction(secrets: SecretsService, tenantId: string, sealed: unknown): AuthorizationTransaction | undefined {
  if (typeof sealed !== 'string' || sealed.length > 16384) {
    return undefined;
  }
  try {
    const txn = JSON.parse(secrets.open(sealed, context(tenantId))) as AuthorizationTransaction;
    return txn.exp > Math.floor(Date.now() / 1000) ? txn : undefined;
  } catch {
    return undefined;
  }
}
