import { Controller, Get, Header, Res } from '@nestjs/common';
import type { Response } from 'express';
import { SigningKeysService } from '../keys/signing-keys.service.js';
import { Tenant, type TenantContext } from '../tenants/tenant-context.js';
import { DiscoveryService } from './discovery.service.js';
import { DISCOVERY_CACHE_CONTROL, JWKS_CACHE_CONTROL } from './well-known.route.js';

/**
 * Public, cacheable metadata. Browser apps (SPAs) fetch both documents cross-origin, so they allow any
 * origin, as Auth0's do. The exact paths are served before Express by WellKnownRoute, with the same
 * headers; this controller answers the other spellings Express routes here (a trailing slash).
 */
@Controller('.well-known')
export class DiscoveryController {
  constructor(
    private readonly discovery: DiscoveryService,
    private readonly keys: SigningKeysService,
  ) {}

  @Get('openid-configuration')
  @Header('Cache-Control', DISCOVERY_CACHE_CONTROL)
  @Header('Access-Control-Allow-Origin', '*')
  openidConfiguration(@Tenant() tenant: TenantContext, @Res() res: Response): void {
    res.type('application/json').send(this.discovery.documentJson(tenant.issuer));
  }

  @Get('jwks.json')
  @Header('Cache-Control', JWKS_CACHE_CONTROL)
  @Header('Access-Control-Allow-Origin', '*')
  jwks(@Tenant() tenant: TenantContext, @Res() res: Response): void {
    res.type('application/json').send(this.keys.jwksJson(tenant.id, tenant.issuer));
  }
}
