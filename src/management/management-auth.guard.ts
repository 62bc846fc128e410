import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { parseBearerCredentials } from '../common/bearer-credentials.js';
import { ManagementError } from '../errors/api-error.js';
import { JwtService, TokenInvalidError } from '../keys/jwt.service.js';
import { managementApiIdentifier, type TenantRequest } from '../tenants/tenant-context.js';
import { SCOPES_KEY } from './scopes.decorator.js';

/**
 * The bearer token of an `Authorization` header (RFC 6750 §2.1: `Bearer` is case-insensitive, the token
 * is b64token). Throws Auth0's 401 when the header is missing or malformed.
 */
export function bearerToken(header: string | undefined): string {
  if (!header) {
    throw new ManagementError(401, 'missing_authentication', 'Missing authentication');
  }
  const token = parseBearerCredentials(header);
  if (!token) {
    throw new ManagementError(401, 'invalid_token', 'Bad HTTP authentication header format');
  }
  return token;
}

/** The scopes a token's `scope` claim grants (space-separated; anything else grants none). */
export function grantedScopes(scopeClaim: unknown): string[] {
  return typeof scopeClaim === 'string' ? scopeClaim.split(' ').filter(Boolean) : [];
}

/** A route marked `@Scopes(a, b)` needs any one of them; otherwise Auth0's 403. */
export function assertAnyScope(required: readonly string[], granted: readonly string[]): void {
  if (!required.some((s) => granted.includes(s))) {
    throw new ManagementError(403, 'insufficient_scope', `Insufficient scope, expected any of: ${required.join(',')}`);
  }
}

/**
 * Authenticates Management API calls: a JWT signed by the tenant's key, issued by the tenant, for its
 * Management API audience, not expired, and holding one of the route's scopes. Acts only on handlers
 * marked with @Scopes(); the route-metadata test makes sure every /api/v2 handler is.
 */
@Injectable()
export class ManagementAuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly jwt: JwtService,
  ) {}

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    const required = this.reflector.getAllAndOverride<string[] | undefined>(SCOPES_KEY, [ctx.getHandler(), ctx.getClass()]);
    if (!required) {
      return true;
    }
    const req = ctx.switchToHttp().getRequest<TenantRequest>();
    const tenant = req.tenant;
    if (!tenant) {
      throw new Error('TenantMiddleware did not run');
    }
    const token = bearerToken(req.headers.authorization);
    let payload;
    try {
      payload = await this.jwt.verifyTenantToken(token, tenant.id, {
        issuer: tenant.issuer,
        audience: managementApiIdentifier(tenant.issuer),
      });
    } catch (e) {
      if (!(e instanceof TokenInvalidError)) {
        throw e;
      }
      throw new ManagementError(
        401,
        'invalid_token',
        e.reason === 'expired' ? 'Expired token received for JSON Web Token validation' : 'Invalid token',
      );
    }
    const scopes = grantedScopes(payload.scope);
    assertAnyScope(required, scopes);
    req.managementToken = { sub: String(payload.sub), scopes, azp: typeof payload.azp === 'string' ? payload.azp : undefined };
    return true;
  }
}
