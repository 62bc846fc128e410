import { Injectable } from '@nestjs/common';
import type { JWTPayload } from 'jose';
import { ApisService } from '../apis/apis.service.js';
import { ClientGrantsService } from '../client-grants/client-grants.service.js';
import { isBasicAuthorization } from '../common/basic-credentials.js';
import { OAuthError } from '../errors/api-error.js';
import { peekJws, tokenShape } from '../keys/jwt-peek.js';
import { JwtService } from '../keys/jwt.service.js';
import { ReferenceTokensService } from '../reference-tokens/reference-tokens.service.js';
import { userinfoAudience, type TenantContext } from '../tenants/tenant-context.js';
import { ClientAuthenticator, type AuthenticatedClient } from '../tokens/client-authenticator.js';
import { readOAuthParams, type OAuthParams } from '../common/oauth-params.js';

const PARAMS = ['token', 'token_type_hint', 'client_id', 'client_secret'] as const;
const INACTIVE = Object.freeze({ active: false });

/**
 * RFC 7662 token introspection. The caller is a confidential client; it learns about a token only when it
 * holds a client grant on one of the token's APIs. Every other case, whatever the reason, is
 * `{ "active": false }` so the answer leaks nothing.
 */
@Injectable()
export class IntrospectionService {
  constructor(
    private readonly authenticator: ClientAuthenticator,
    private readonly grants: ClientGrantsService,
    private readonly apis: ApisService,
    private readonly jwt: JwtService,
    private readonly refs: ReferenceTokensService,
  ) {}

  async introspect(tenant: TenantContext, authorization: string | undefined, body: unknown): Promise<Record<string, unknown>> {
    const params = readOAuthParams(body, PARAMS);
    const client = await this.authenticateCaller(tenant, authorization, params);
    const token = params.get('token');
    if (!token) {
      throw OAuthError.invalidRequest('Missing required parameter: token');
    }
    const claims = await this.readToken(tenant, token);
    if (!claims) {
      return INACTIVE;
    }
    const audiences = (Array.isArray(claims.aud) ? claims.aud : [claims.aud]).filter(
      (a): a is string => typeof a === 'string' && a !== userinfoAudience(tenant.issuer),
    );
    const clientId = client.record.entity.clientId;
    let allowed = false;
    for (const aud of audiences) {
      if (await this.grants.grantedScopes(tenant.id, clientId, aud)) {
        allowed = true;
        break;
      }
    }
    if (!allowed) {
      return INACTIVE;
    }
    return {
      active: true,
      ...claims,
      client_id: typeof claims.client_id === 'string' ? claims.client_id : claims.azp,
      token_type: 'Bearer',
    };
  }

  /**
   * RFC 7662 §2.1: the caller must authenticate. A request without credentials, with wrong ones, or from a
   * public client is a 401 `invalid_client` with a Basic challenge, never a 400 about a missing parameter.
   */
  private async authenticateCaller(
    tenant: TenantContext,
    authorization: string | undefined,
    params: OAuthParams,
  ): Promise<AuthenticatedClient> {
    if (!isBasicAuthorization(authorization) && !params.has('client_id')) {
      throw OAuthError.invalidClient('Client authentication is required', true);
    }
    let client: AuthenticatedClient;
    try {
      client = await this.authenticator.authenticate(tenant.id, authorization, params);
    } catch (e) {
      if (e instanceof OAuthError && e.error === 'invalid_client') {
        throw OAuthError.invalidClient(e.description, true);
      }
      throw e;
    }
    if (!client.confidential) {
      throw OAuthError.invalidClient('Client authentication failed', true);
    }
    return client;
  }

  /** The claims of a live token this tenant issued, or undefined. */
  private async readToken(tenant: TenantContext, token: string): Promise<JWTPayload | undefined> {
    if (token.length > 16384) {
      return undefined;
    }
    const shape = tokenShape(token);
    if (shape !== 'jws') {
      // Opaque reference tokens and tokens encrypted to an API's own key are known by their hash.
      return (await this.refs.findActive(tenant.id, token))?.claims;
    }
    const peek = peekJws(token);
    if (!peek) {
      return undefined;
    }
    try {
      if (peek.header.alg === 'RS256' || peek.header.alg === 'PS256') {
        return await this.jwt.verifyTenantToken(token, tenant.id, { issuer: tenant.issuer });
      }
      if (peek.header.alg === 'HS256' && typeof peek.payload.aud === 'string') {
        // HS256 tokens hold one audience; the secret is that API's current one, so a rotated secret ends them.
        const api = await this.apis.findByIdentifier(tenant.id, peek.payload.aud);
        if (api?.entity.signingAlg === 'HS256' && api.signingSecret) {
          return await this.jwt.verifyHs256Token(token, api.signingSecret, { issuer: tenant.issuer, audience: api.entity.identifier });
        }
      }
    } catch {
      return undefined;
    }
    return undefined;
  }
}
