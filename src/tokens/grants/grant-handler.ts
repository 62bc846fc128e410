import type { TenantContext } from '../../tenants/tenant-context.js';
import type { OAuthParams } from '../../common/oauth-params.js';

export interface GrantContext {
  tenant: TenantContext;
  body: unknown;
  authorization?: string;
  /** The caller's address, for brute-force protection of the password grants. */
  ip?: string;
  /** For the post-login trigger's `event.request`. */
  userAgent?: string;
}

export interface TokenResponse {
  access_token: string;
  token_type: 'Bearer';
  expires_in: number;
  scope?: string;
  id_token?: string;
  refresh_token?: string;
}

/** One handler per `grant_type` (RFC 6749 §4), registered with the token endpoint. */
export interface GrantHandler {
  readonly grantTypes: readonly string[];
  handle(ctx: GrantContext): Promise<TokenResponse>;
}

export const GRANT_HANDLERS = Symbol('GRANT_HANDLERS');

export type { OAuthParams };
