import { Controller, Get, Header, Res } from '@nestjs/common';
import type { Response } from 'express';
import { SigningKeysService } from '../keys/signing-keys.service.js';
import { Tenant, type TenantContext } from '../tenants/tenant-context.js';
import { DiscoveryService } from './discovery.service.js';

/**
 * Public, cacheable metadata. Browser apps (SPAs) fetch both documents cross-origin, so they allow any
 * origin, as Auth0's do. The JWKS is cached for less time than the metadata: a revoked key should leave
 * verifiers' caches soon, and the `next` key is published ahead of a rotation anyway.
 */
@Controller('.well-known')
export class DiscoveryController {
  constructor(
    private readonly discovery: DiscoveryService,
    private readonly keys: SigningKeysService,
  ) {}

  @Get('openid-configuration')
  @Header('Cache-Control', 'public, max-age=300')
  @Header('Access-Control-Allow-Origin', '*')
  openidConfiguration(@Tenant() tenant: TenantContext, @Res() res: Response): void {
    res.type('application/json').send(this.discovery.documentJson(tenant.issuer));
  }

  @Get('jwks.json')
  @Header('Cache-Control', 'public, max-age=60')
  @Header('Access-Control-Allow-Origin', '*')
  jwks(@Tenant() tenant: TenantContext, @Res() res: Response): void {
    res.type('application/json').send(this.keys.jwksJson(tenant.id));
  }
}
