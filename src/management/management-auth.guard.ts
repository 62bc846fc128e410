import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ManagementError } from '../errors/api-error.js';
import { JwtService, TokenInvalidError } from '../keys/jwt.service.js';
import { managementApiIdentifier, type TenantRequest } from '../tenants/tenant-context.js';
import { SCOPES_KEY } from './scopes.decorator.js';

/** Authenticates Management API calls: a tenant-signed JWT for the Management API holding a route scope. */
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
    const tenant = req.tenant!;
    const header = req.headers.authorization;
    if (!header) {
      throw new ManagementError(401, 'missing_authentication', 'Missing authentication');
    }
    const match = /^Bearer +([A-Za-z0-9\-_.~+/]+=*) *$/i.exec(header);
    if (!match) {
      throw new ManagementError(401, 'invalid_token', 'Bad HTTP authentication header format');
    }
    let payload;
    try {
      payload = await this.jwt.verifyTenantToken(match[1], tenant.id, {
        issuer: tenant.issuer,
        audience: managementApiIdentifier(tenant.issuer),
      });
    } catch (e) {
      const expired = e instanceof TokenInvalidError && e.reason === 'expired';
      throw new ManagementError(401, 'invalid_token', expired ? 'Expired token received for JSON Web Token validation' : 'Invalid token');
    }
    const scopes = typeof payload.scope === 'string' ? payload.scope.split(' ').filter(Boolean) : [];
    if (!required.some((s) => scopes.includes(s))) {
      throw new ManagementError(403, 'insufficient_scope', `Insufficient scope, expected any of: ${required.join(',')}`);
    }
    req.managementToken = { sub: String(payload.sub), scopes, azp: typeof payload.azp === 'string' ? payload.azp : undefined };
    return true;
  }
}
