import type { ClientEntity } from './client.entity.js';
import type { ClientResponse } from './dto/client.dto.js';

/**
 * Builds Auth0's client body field by field. `clientSecret` is the opened secret, passed only where the
 * caller may see it (Auth0: `read:client_keys` on reads; always on create and rotate-secret).
 */
export function toClientResponse(e: ClientEntity, clientSecret: string | undefined): ClientResponse {
  const body: ClientResponse = {
    client_id: e.clientId,
    name: e.name,
    global: false,
    is_first_party: e.isFirstParty,
    oidc_conformant: e.oidcConformant,
    callbacks: [...e.callbacks],
    allowed_origins: [...e.allowedOrigins],
    web_origins: [...e.webOrigins],
    allowed_logout_urls: [...e.allowedLogoutUrls],
    grant_types: [...e.grantTypes],
    token_endpoint_auth_method: e.tokenEndpointAuthMethod,
    jwt_configuration: { ...e.jwtConfiguration },
    created_at: e.createdAt,
    updated_at: e.updatedAt,
  };
  if (clientSecret !== undefined) {
    body.client_secret = clientSecret;
  }
  if (e.description) {
    body.description = e.description;
  }
  if (e.appType) {
    body.app_type = e.appType;
  }
  return body;
}

/**
 * Auth0's global client, "All Applications": the tenant-wide settings record that tools look up with
 * `GET /api/v2/clients?is_global=true` (auth0-deploy-cli keeps the login page there). Tessera has no such
 * settings, so it is a fixed, empty one; its id is derived from the tenant and never authenticates.
 */
export function globalClient(tenant: { id: string }): Record<string, unknown> {
  return {
    client_id: `global-${tenant.id}`,
    name: 'All Applications',
    global: true,
    is_first_party: true,
    callbacks: [],
    allowed_origins: [],
    web_origins: [],
    allowed_logout_urls: [],
    custom_login_page_on: false,
  };
}
