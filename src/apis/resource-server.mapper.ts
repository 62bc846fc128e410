import type { ResourceServerResponse } from './dto/resource-server-response.dto.js';
import type { ResourceServerEntity } from './resource-server.entity.js';

/**
 * Builds Auth0's body field by field; `signingSecret` is the opened secret. Auth0 returns `signing_secret`
 * on read for HS256 APIs only; a secret kept from an earlier HS256 period stays stored but unshown.
 */
export function toResourceServerResponse(e: ResourceServerEntity, signingSecret: string | undefined): ResourceServerResponse {
  const body: ResourceServerResponse = {
    id: e.id,
    name: e.name,
    identifier: e.identifier,
    is_system: e.isSystem,
    scopes: e.scopes.map((s) => (s.description === undefined ? { value: s.value } : { value: s.value, description: s.description })),
    signing_alg: e.signingAlg,
    allow_offline_access: e.allowOfflineAccess,
    skip_consent_for_verifiable_first_party_clients: e.skipConsentForVerifiableFirstPartyClients,
    token_lifetime: e.tokenLifetime,
    token_lifetime_for_web: e.tokenLifetimeForWeb,
    token_dialect: e.tokenDialect,
    enforce_policies: e.enforcePolicies,
  };
  if (signingSecret !== undefined && e.signingAlg === 'HS256') {
    body.signing_secret = signingSecret;
  }
  if (e.tokenEncryption) {
    body.token_encryption = e.tokenEncryption;
  }
  if (e.accessTokenFormat !== 'jwt') {
    body.access_token_format = e.accessTokenFormat;
  }
  return body;
}
