import type { ClientEntity } from './client.entity.js';

export const DASHBOARD_CLIENT_NAME = 'Tessera Dashboard';

/** The URLs Tessera keeps on a tenant's dashboard client: one of each per domain the tenant answers on. */
export interface DashboardClientUrls {
  callbacks: string[];
  allowedLogoutUrls: string[];
  webOrigins: string[];
}

/**
 * The dashboard client's callbacks (`<issuer>dashboard/callback`), logout URLs (`<issuer>dashboard`) and
 * web origins, for the issuer's domain first and then each alias: the dashboard signs in on whichever of
 * the tenant's domains it was opened.
 */
export function dashboardClientUrls(issuer: string, aliases: readonly string[]): DashboardClientUrls {
  const bases = [issuer, ...aliases.map((domain) => onDomain(issuer, domain))];
  return {
    callbacks: bases.map((b) => `${b}dashboard/callback`),
    allowedLogoutUrls: bases.map((b) => `${b}dashboard`),
    webOrigins: bases.map((b) => new URL(b).origin),
  };
}

/** The issuer URL with its host replaced by `domain` (scheme and path kept). */
function onDomain(issuer: string, domain: string): string {
  const url = new URL(issuer);
  url.host = domain;
  return url.href;
}

/**
 * Settings of the dashboard client that signing in depends on. They are Tessera's to keep: a change
 * through the Management API is refused, so nobody can break the dashboard's sign-in by accident.
 */
export const DASHBOARD_CLIENT_FIXED = {
  appType: 'spa',
  tokenEndpointAuthMethod: 'none',
  grantTypes: ['authorization_code'],
  isFirstParty: true,
} as const satisfies Partial<ClientEntity>;

/** The dashboard client's fields the Management API may not change, as Auth0 spells them. */
export const DASHBOARD_CLIENT_LOCKED_FIELDS = [
  'app_type',
  'token_endpoint_auth_method',
  'grant_types',
  'is_first_party',
  'callbacks',
  'allowed_logout_urls',
  'web_origins',
] as const;
