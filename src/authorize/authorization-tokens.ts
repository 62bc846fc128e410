import { Injectable } from '@nestjs/common';
import type { PostLoginOutcome } from '../actions/post-login.service.js';
import type { ApiRecord } from '../apis/apis.service.js';
import type { ClientRecord } from '../clients/clients.service.js';
import type { TenantContext } from '../tenants/tenant-context.js';
import type { UserEntity } from '../users/user.entity.js';

/** The tokens /authorize returns itself, for an implicit or hybrid response type. */
export interface AuthorizationTokensRequest {
  tenant: TenantContext;
  client: ClientRecord;
  user: UserEntity;
  scopes: string[];
  api?: ApiRecord;
  nonce?: string;
  authTime: number;
  sessionId: string;
  accessToken: boolean;
  idToken: boolean;
  /** The code issued in the same response (hybrid), for `c_hash`. */
  code?: string;
  /** What the post-login actions decided: custom claims and access token scope changes. */
  actions?: PostLoginOutcome;
}

/** What mints them: the token module's issuer, the same one the token endpoint uses. */
export interface AuthorizationTokenIssuer {
  issueAtAuthorization(req: AuthorizationTokensRequest): Promise<Record<string, string>>;
}

/**
 * Where /authorize finds the token issuer. The tokens folder registers it at start (it depends on this
 * one for the codes it redeems), so the two folders do not import each other.
 */
@Injectable()
export class AuthorizationTokens {
  private issuer?: AuthorizationTokenIssuer;

  register(issuer: AuthorizationTokenIssuer): void {
    this.issuer = issuer;
  }

  issueAtAuthorization(req: AuthorizationTokensRequest): Promise<Record<string, string>> {
    if (!this.issuer) {
      throw new Error('No token issuer is registered for /authorize');
    }
    return this.issuer.issueAtAuthorization(req);
  }
}
