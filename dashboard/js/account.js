// Signing in with a user account of the tenant: the authorization code flow with PKCE (RFC 7636, S256)
// through the tenant's own login page, for the tenant's "Tessera Dashboard" client. Only users with the
// admin role get Management API scopes; the token of anyone else is dropped at once.
//
// What this tab keeps, in sessionStorage only: while the browser is at the login page, the request's
// state, nonce and code verifier (read and removed as soon as the callback arrives); afterwards, the
// Management API access token (session.js). The code, the ID token and the verifier are never stored.

import { ApiError, requestToken } from './api.js';
import { saveSession } from './session.js';
import { inspectToken } from './token-inspect.js';

const PENDING_KEY = 'tessera.dashboard.pending-sign-in';
/** As long as the server keeps a login page's request (an hour). */
const PENDING_LIFETIME_MS = 3600 * 1000;

/** The Management API scopes the dashboard's pages use; an admin's token carries these. */
export const DASHBOARD_SCOPES = [
  'read:resource_servers',
  'create:resource_servers',
  'update:resource_servers',
  'delete:resource_servers',
  'read:tenant_settings',
  'update:tenant_settings',
  'read:clients',
  'create:clients',
  'update:clients',
  'delete:clients',
  'read:client_keys',
  'update:client_keys',
  'read:client_grants',
  'create:client_grants',
  'update:client_grants',
  'delete:client_grants',
  'read:users',
  'create:users',
  'update:users',
  'delete:users',
  'read:signing_keys',
  'create:signing_keys',
  'update:signing_keys',
  'read:logs',
  'read:roles',
  'create:roles',
  'update:roles',
  'delete:roles',
  'read:role_members',
  'create:role_members',
  'delete:role_members',
  'read:actions',
  'create:actions',
  'update:actions',
  'delete:actions',
];

/** A sign-in that did not complete, with a message for the person signing in. */
export class SignInError extends Error {}

/**
 * The tenant's dashboard sign-in settings (`client_id`, `issuer`, `audience`, `callback_url`,
 * `logout_url`), or null when this server or tenant has none.
 */
export async function loadAccountConfig() {
  const res = await fetch('config.json', { credentials: 'omit', cache: 'no-store' });
  if (!res.ok) {
    return null;
  }
  const config = await res.json();
  return typeof config?.client_id === 'string' && typeof config.callback_url === 'string' ? config : null;
}

/** Why this page cannot start a user sign-in, or null when it can. */
export function accountSignInProblem(config) {
  if (!config) {
    return 'Signing in with an account is not set up for this tenant: it has no Tessera Dashboard client.';
  }
  if (new URL(config.callback_url).origin !== location.origin) {
    return `Signing in with an account works on the tenant's own address, ${new URL(config.callback_url).origin}.`;
  }
  if (!window.isSecureContext || !crypto.subtle) {
    return 'Signing in with an account needs HTTPS (or localhost): the browser computes the PKCE challenge only on secure pages.';
  }
  return null;
}

function base64url(bytes) {
  let binary = '';
  for (const b of new Uint8Array(bytes)) {
    binary += String.fromCharCode(b);
  }
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

const random = (size) => base64url(crypto.getRandomValues(new Uint8Array(size)));

/** Sends the browser to the tenant's login page; `returnTo` is the dashboard path to open afterwards. */
export async function startAccountSignIn(config, returnTo) {
  // RFC 7636 §4.1: 32 random octets, base64url: a 43-character verifier.
  const verifier = random(32);
  const challenge = base64url(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier)));
  const pending = { state: random(16), nonce: random(16), verifier, redirectUri: config.callback_url, returnTo, createdAt: Date.now() };
  sessionStorage.setItem(PENDING_KEY, JSON.stringify(pending));
  const query = new URLSearchParams({
    response_type: 'code',
    client_id: config.client_id,
    redirect_uri: config.callback_url,
    audience: config.audience,
    scope: ['openid', 'email', ...DASHBOARD_SCOPES].join(' '),
    state: pending.state,
    nonce: pending.nonce,
    code_challenge: challenge,
    code_challenge_method: 'S256',
  });
  location.assign(`/authorize?${query}`);
}

/** The request this tab started, removed from storage as it is read: an answer is good once. */
function takePending() {
  const raw = sessionStorage.getItem(PENDING_KEY);
  sessionStorage.removeItem(PENDING_KEY);
  try {
    const pending = JSON.parse(raw ?? 'null');
    return pending && Date.now() - pending.createdAt < PENDING_LIFETIME_MS ? pending : null;
  } catch {
    return null;
  }
}

/**
 * OIDC Core §3.1.3.7: the ID token came straight from the token endpoint of this origin, so TLS vouches
 * for it; its issuer, audience and nonce must still be the ones of this sign-in.
 */
function checkIdToken(idToken, config, nonce) {
  const token = idToken ? inspectToken(idToken) : { kind: 'none' };
  if (token.kind !== 'jws') {
    throw new SignInError('The server sent no readable ID token; sign in again.');
  }
  const { iss, aud, nonce: claimed } = token.claims;
  const audiences = Array.isArray(aud) ? aud : [aud];
  if (iss !== config.issuer || !audiences.includes(config.client_id) || claimed !== nonce) {
    throw new SignInError('The ID token is not for this sign-in (issuer, audience or nonce differ); sign in again.');
  }
  return token.claims;
}

/**
 * Completes a sign-in at /dashboard/callback: checks `state`, exchanges the code (with the verifier) at
 * /oauth/token, and keeps the access token when it carries Management scopes. Resolves to
 * `{ admin: true, who, returnTo, expiresIn }` or `{ admin: false, who }`; throws SignInError otherwise.
 */
export async function completeAccountSignIn(config, search) {
  const params = new URLSearchParams(search);
  const pending = takePending();
  if (!pending) {
    throw new SignInError('This sign-in answer was not expected by this tab (it was already used, has expired, or was started elsewhere); sign in again.');
  }
  if (!params.get('state') || params.get('state') !== pending.state) {
    throw new SignInError('This sign-in answer does not belong to the request this tab sent (state mismatch), so it was ignored; sign in again.');
  }
  if (params.has('error')) {
    throw new SignInError(`The sign-in was refused: ${params.get('error_description') || params.get('error')}`);
  }
  const code = params.get('code');
  if (!code || !config) {
    throw new SignInError('The sign-in answer carries no code; sign in again.');
  }
  let token;
  try {
    token = await requestToken({
      grant_type: 'authorization_code',
      client_id: config.client_id,
      code,
      redirect_uri: pending.redirectUri,
      code_verifier: pending.verifier,
    });
  } catch (e) {
    throw new SignInError(`The sign-in could not be completed: ${e instanceof ApiError ? e.message : String(e)}`);
  }
  const claims = checkIdToken(token.id_token, config, pending.nonce);
  const who = typeof claims.email === 'string' ? claims.email : String(claims.sub);
  const scopes = String(token.scope ?? '').split(' ');
  if (!DASHBOARD_SCOPES.some((s) => scopes.includes(s))) {
    // Not an admin: the token is good for nothing here, so it is not kept.
    return { admin: false, who };
  }
  const expiresIn = Number(token.expires_in ?? 0);
  saveSession({
    accessToken: token.access_token,
    expiresAt: Date.now() + expiresIn * 1000,
    scope: token.scope,
    subject: who,
    signOutUrl: signOutUrl(config),
  });
  return { admin: true, who, returnTo: pending.returnTo, expiresIn };
}

/** Ends the tenant's login session too (Auth0's /v2/logout), then comes back to the dashboard. */
export function signOutUrl(config) {
  return `/v2/logout?${new URLSearchParams({ client_id: config.client_id, returnTo: config.logout_url })}`;
}
