import { Injectable } from '@nestjs/common';
import type { JWTPayload } from 'jose';
import { ApisService } from '../apis/apis.service.js';
import { parseBearerCredentials } from '../common/bearer-credentials.js';
import { OAuthError } from '../errors/api-error.js';
import { peekJws, peekJwsAlg, tokenShape, type TokenShape } from '../keys/jwt-peek.js';
import { JwtService, TokenInvalidError } from '../keys/jwt.service.js';
import { UserinfoTokenService } from '../keys/userinfo-token.service.js';
import { singleAudienceReason } from '../rules/audience-rules.js';
import { claimsForScopes } from '../rules/user-flow-scopes.js';
import { userinfoAudience, type TenantContext } from '../tenants/tenant-context.js';
import { ReferenceTokensService } from '../reference-tokens/reference-tokens.service.js';
import { RefreshTokensService } from '../tokens/refresh-tokens.service.js';
import { UsersService, type UserProfile } from '../users/users.service.js';

export interface UserinfoRequest {
  authorization?: string;
  /** The form body of a POST (RFC 6750 §2.2), else undefined. */
  form?: Record<string, unknown>;
  /** The URI query's `access_token` (RFC 6750 §2.3, as passport-auth0 sends it). */
  query?: unknown;
}

/** The claims, and the client the access token was issued to (`azp`), for the CORS decision. */
export interface UserinfoAnswer {
  claims: Record<string, unknown>;
  clientId?: string;
}

/** What a valid token entitles to: its user, its scopes (as sent), the Action claims it carries, its client. */
interface Entitlement {
  user: UserProfile;
  scope: string;
  custom: Record<string, unknown> | undefined;
  clientId?: string;
}

/** An answer's JSON body and its length in bytes, as the fast route writes it. */
export interface UserinfoBody {
  json: string;
  bytes: number;
}

/** Bodies kept per profile: a user's tokens come in a few scope sets, and past this many the map starts over. */
const BODIES_PER_PROFILE = 8;

/** RFC 6750 §3.1: a request without credentials gets a bare challenge, no error code. */
function missingToken(): OAuthError {
  const err = new OAuthError(401, 'invalid_token', 'Missing access token');
  err.wwwAuthenticate = 'Bearer realm="tessera"';
  return err;
}

function invalidRequest(description: string): OAuthError {
  const err = new OAuthError(400, 'invalid_request', description);
  err.wwwAuthenticate = `Bearer realm="tessera", error="invalid_request", error_description="${description.replace(/["\\]/g, '')}"`;
  return err;
}

/**
 * OIDC UserInfo (Core §5.3). Accepts the opaque userinfo token and any tenant JWT whose `aud` includes
 * `<issuer>userinfo`; answers `sub` and the claims the token's scopes release. Everything else is an
 * RFC 6750 error. An HS256 API's token is explained, not just refused: it can never carry the userinfo
 * audience (the audience rule), and the fix is to move the API to RS256.
 */
@Injectable()
export class UserinfoService {
  constructor(
    private readonly jwt: JwtService,
    private readonly opaque: UserinfoTokenService,
    private readonly apis: ApisService,
    private readonly users: UsersService,
    private readonly refreshTokens: RefreshTokensService,
    private readonly refs: ReferenceTokensService,
  ) {}

  /**
   * Bodies already rendered, by the user's profile (a cached profile is never changed: any write to the
   * user replaces it, which drops these with it) and the token's scope string.
   */
  private readonly bodies = new WeakMap<UserProfile, Map<string, UserinfoBody>>();

  async userinfo(tenant: TenantContext, req: UserinfoRequest): Promise<Record<string, unknown>> {
    return (await this.answer(tenant, req)).claims;
  }

  async answer(tenant: TenantContext, req: UserinfoRequest): Promise<UserinfoAnswer> {
    const e = await this.entitlement(tenant, this.extractToken(req));
    return { claims: claimsOf(e), clientId: e.clientId };
  }

  /**
   * The same answer as `answer` for a bearer header, as the JSON body the fast route writes; the body of
   * a token without Action claims is rendered once per user profile and scope string.
   */
  async answerBody(tenant: TenantContext, authorization: string): Promise<UserinfoBody> {
    const e = await this.entitlement(tenant, this.extractToken({ authorization }));
    if (e.custom !== undefined) {
      return bodyOf(claimsOf(e));
    }
    let byScope = this.bodies.get(e.user);
    if (!byScope) {
      byScope = new Map();
      this.bodies.set(e.user, byScope);
    }
    let body = byScope.get(e.scope);
    if (!body) {
      if (byScope.size >= BODIES_PER_PROFILE) {
        byScope.clear();
      }
      body = bodyOf(claimsOf(e));
      byScope.set(e.scope, body);
    }
    return body;
  }

  private async entitlement(tenant: TenantContext, token: string): Promise<Entitlement> {
    const shape = tokenShape(token);
    const claims = await this.verify(tenant, token, shape);
    if (typeof claims.sub !== 'string') {
      throw OAuthError.invalidToken('The access token has no subject');
    }
    const cached = this.users.cachedProfile(tenant.id, claims.sub);
    const user = cached === undefined ? await this.users.profile(tenant.id, claims.sub) : cached;
    if (!user) {
      throw OAuthError.invalidToken('The user of the access token does not exist');
    }
    if (user.blocked) {
      throw OAuthError.invalidToken('user is blocked');
    }
    const scope = typeof claims.scope === 'string' ? claims.scope : '';
    // `cc`: an Action's ID token claims, carried by the opaque token (Auth0 answers them here too).
    const cc = shape === 'jwe' ? claims.cc : undefined;
    const custom = cc !== null && typeof cc === 'object' && !Array.isArray(cc) ? (cc as Record<string, unknown>) : undefined;
    const clientId = typeof claims.azp === 'string' ? claims.azp : typeof claims.client_id === 'string' ? claims.client_id : undefined;
    return { user, scope, custom, clientId };
  }

  /** RFC 6750 §2.1 (header), §2.2 (form field) or §2.3 (query parameter): exactly one of them. */
  private extractToken(req: UserinfoRequest): string {
    // Only HTTP's own whitespace (RFC 9110 §5.6.3) surrounds a value; String.trim() would also take
    // U+00A0 and others, letting `<token><NBSP>` stand for the token.
    const header = req.authorization === undefined ? undefined : trimOws(req.authorization);
    const bearer = header && /^Bearer(\s|$)/i.test(header) ? header : undefined;
    const formField = req.form?.access_token;
    const queryField =
      typeof req.query === 'object' && req.query !== null ? (req.query as Record<string, unknown>).access_token : undefined;
    if (formField !== undefined || queryField !== undefined) {
      for (const f of [formField, queryField]) {
        if (Array.isArray(f)) {
          throw invalidRequest('The access_token parameter must not be repeated');
        }
        if (f !== undefined && typeof f !== 'string') {
          throw invalidRequest('The access_token parameter must be a string');
        }
      }
      if ([bearer, formField, queryField].filter((v) => v !== undefined).length > 1) {
        throw invalidRequest('Use only one method to send the access token');
      }
    }
    const field = (formField ?? queryField) as string | undefined;
    if (bearer) {
      const token = parseBearerCredentials(bearer);
      if (!token) {
        throw invalidRequest('Malformed Authorization header: expected "Bearer <token>"');
      }
      return token;
    }
    if (field) {
      return field;
    }
    throw missingToken();
  }

  private async verify(tenant: TenantContext, token: string, shape: TokenShape): Promise<JWTPayload> {
    const audience = userinfoAudience(tenant.issuer);
    try {
      switch (shape) {
        case 'jwe': {
          const claims = await this.opaque.decrypt(tenant.id, token, { issuer: tenant.issuer, audience });
          const fid = claims.fid;
          if (
            typeof fid !== 'string' ||
            !(this.refreshTokens.cachedIsActive(tenant.id, fid) ?? (await this.refreshTokens.isActive(tenant.id, fid)))
          ) {
            throw OAuthError.invalidToken('The access token has been revoked');
          }
          return claims;
        }
        case 'jws':
          return await this.verifyJwt(tenant, token, audience);
        case 'other': {
          // An opaque-format API's reference token, valid here when its audience includes userinfo.
          const ref = await this.refs.findActive(tenant.id, token);
          const aud = ref ? (Array.isArray(ref.claims.aud) ? ref.claims.aud : [ref.claims.aud]) : [];
          if (!ref || !aud.includes(audience)) {
            throw OAuthError.invalidToken('Invalid token');
          }
          return ref.claims;
        }
      }
    } catch (e) {
      if (e instanceof TokenInvalidError) {
        throw OAuthError.invalidToken(e.reason === 'expired' ? 'The access token expired' : 'Invalid token');
      }
      throw e;
    }
  }

  private async verifyJwt(tenant: TenantContext, token: string, audience: string): Promise<JWTPayload> {
    // Only an HS256 token has its claims read before verifying (to explain the refusal).
    const peek = peekJwsAlg(token) === 'HS256' ? peekJws(token) : undefined;
    if (peek) {
      throw await this.explainHs256(tenant, token, peek.payload);
    }
    const claims = await this.jwt.verifyTenantToken(token, tenant.id, { issuer: tenant.issuer });
    const aud = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
    if (!aud.includes(audience)) {
      throw OAuthError.invalidToken(`The access token's audience does not include ${audience}; request the openid scope to use it here`);
    }
    return claims;
  }

  /** The 401 for an HS256 token: explanatory when it is a genuine token of one of our HS256 APIs. */
  private async explainHs256(tenant: TenantContext, token: string, unverified: JWTPayload): Promise<OAuthError> {
    const aud = typeof unverified.aud === 'string' ? unverified.aud : undefined;
    const api = aud ? await this.apis.findByIdentifier(tenant.id, aud) : undefined;
    if (!api || api.entity.signingAlg !== 'HS256' || !api.signingSecret) {
      return OAuthError.invalidToken('Invalid token');
    }
    try {
      await this.jwt.verifyHs256Token(token, api.signingSecret, { issuer: tenant.issuer, audience: api.entity.identifier });
    } catch {
      return OAuthError.invalidToken('Invalid token');
    }
    const reason = singleAudienceReason({ name: api.entity.name, identifier: api.entity.identifier, signingAlg: api.entity.signingAlg });
    return OAuthError.invalidToken(
      `The access token is for the HS256 API "${api.entity.name}" (${api.entity.identifier}) and is not valid at /userinfo: ` +
        `${reason ?? 'HS256 tokens can hold only one audience'}, so they never include the userinfo audience. ` +
        `Switch the API to RS256 to use its tokens at /userinfo.`,
    );
  }
}

/** `sub` and the claims the scopes release, over the token's Action claims. */
function claimsOf(e: Entitlement): Record<string, unknown> {
  const scopes = e.scope.split(' ').filter(Boolean);
  return { ...e.custom, sub: e.user.userId, ...claimsForScopes(scopes, e.user.claims) };
}

function bodyOf(claims: Record<string, unknown>): UserinfoBody {
  const json = JSON.stringify(claims);
  return { json, bytes: Buffer.byteLength(json) };
}

/** Strips HTTP's optional whitespace (spaces and tabs) from both ends; the string itself when there is none. */
function trimOws(value: string): string {
  let start = 0;
  let end = value.length;
  while (start < end && isOws(value.charCodeAt(start))) {
    start++;
  }
  while (end > start && isOws(value.charCodeAt(end - 1))) {
    end--;
  }
  return start === 0 && end === value.length ? value : value.slice(start, end);
}

function isOws(c: number): boolean {
  return c === 0x20 || c === 0x09;
}
