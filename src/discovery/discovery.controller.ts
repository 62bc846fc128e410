import { Controller, Get, Header, Res } from '@nestjs/common';
import type { Response } from 'express';
import { SigningKeysService } from '../keys/signing-keys.service.js';
import { Tenant, type TenantContext } from '../tenants/tenant-context.js';
import { DiscoveryService } from './discovery.service.js';

@Controller('.well-known')
export class DiscoveryController {
  constructor(
    private readonly discovery: DiscoveryService,
    private readonly keys: SigningKeysService,
  ) {}

  @Get('openid-configuration')
  @Header('Cache-Control', 'public, max-age=300')
  openidConfiguration(@Tenant() tenant: TenantContext, @Res() res: Response): void {
    res.type('application/json').send(this.discovery.documentJson(tenant.issuer));
  }

  @Get('jwks.json')
  @Header('Cache-Control', 'public, max-age=300')
  jwks(@Tenant() tenant: TenantContext, @Res() res: Response): void {
    res.type('application/json').send(this.keys.jwksJson(tenant.id));
  }
}
