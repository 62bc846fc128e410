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
