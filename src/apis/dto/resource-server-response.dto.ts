import type { SigningAlg, TokenDialect } from './resource-server.dto.js';

/** Auth0's resource server body, as every read and write of `/api/v2/resource-servers` returns it. */
export interface ResourceServerResponse {
  id: string;
  name: string;
  identifier: string;
  is_system: boolean;
  scopes: { value: string; description?: string }[];
  signing_alg: SigningAlg;
  /** HS256 APIs only. */
  signing_secret?: string;
  allow_offline_access: boolean;
  skip_consent_for_verifiable_first_party_clients: boolean;
  token_lifetime: number;
  token_lifetime_for_web: number;
  token_dialect: TokenDialect;
  enforce_policies: boolean;
  token_encryption?: unknown;
  access_token_format?: string;
}
