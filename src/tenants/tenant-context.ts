import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';

/** The tenant a request is for, resolved once per request by TenantMiddleware. */
export interface TenantContext {
  id: string;
  /** `<scheme>://<domain>/` */
  issuer: string;
}

export interface TenantRequest extends Request {
  tenant?: TenantContext;
  /** Set by the Management API guard once the bearer token is verified. */
  managementToken?: { sub: string; scopes: string[]; azp?: string };
}

export const Tenant = createParamDecorator((_: unknown, ctx: ExecutionContext): TenantContext => {
  const req = ctx.switchToHttp().getRequest<TenantRequest>();
  if (!req.tenant) {
    throw new Error('TenantMiddleware did not run');
  }
  return req.tenant;
});

export function managementApiIdentifier(issuer: string): string {
  return `${issuer}api/v2/`;
}

export function userinfoAudience(issuer: string): string {
  return `${issuer}userinfo`;
}
