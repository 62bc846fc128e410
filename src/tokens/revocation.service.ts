import { Injectable } from '@nestjs/common';
import { OAuthError } from '../errors/api-error.js';
import type { TenantContext } from '../tenants/tenant-context.js';
import { ClientAuthenticator } from './client-authenticator.js';
import { readOAuthParams } from '../common/oauth-params.js';
import { ReferenceTokensService } from '../reference-tokens/reference-tokens.service.js';
import { RefreshTokensService } from './refresh-tokens.service.js';

const PARAMS = ['token', 'token_type_hint', 'client_id', 'client_secret'] as const;

/**
 * RFC 7009 for refresh tokens (the client proves who it is, and its token's family is revoked) and for the
 * opaque access tokens of opaque-format APIs. Unknown tokens (and JWT access tokens, which are not revoked
 * one by one) are answered 200 like revoked ones (§2.2), so the answer tells nothing.
 */
@Injectable()
export class RevocationService {
  constructor(
    private readonly authenticator: ClientAuthenticator,
    private readonly refreshTokens: RefreshTokensService,
    private readonly refs: ReferenceTokensService,
  ) {}

  async revoke(tenant: TenantContext, authorization: string | undefined, body: unknown): Promise<void> {
    const params = readOAuthParams(body, PARAMS);
    const client = await this.authenticator.authenticate(tenant.id, authorization, params);
    const token = params.get('token');
    if (!token) {
      throw OAuthError.invalidRequest('Missing required parameter: token');
    }
    const hint = params.get('token_type_hint');
    if (hint !== undefined && hint !== 'refresh_token' && hint !== 'access_token') {
      throw new OAuthError(400, 'unsupported_token_type', `Unsupported token_type_hint: ${hint}`);
    }
    const clientId = client.record.entity.clientId;
    const outcome = await this.refreshTokens.revokeByToken(tenant.id, token, clientId);
    if (outcome === 'unknown') {
      // Opaque access tokens of opaque-format APIs are revocable too; other clients' tokens are left alone.
      await this.refs.revoke(tenant.id, token, clientId);
      return;
    }
    if (outcome === 'foreign') {
      // §2.1: a client may revoke only its own tokens.
      throw OAuthError.invalidRequest('The token was not issued to this client');
    }
  }
}
