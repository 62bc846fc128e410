import { Controller, Get, HttpCode, Param, Post, Put } from '@nestjs/common';
import { Scopes } from '../management/scopes.decorator.js';
import { Tenant, type TenantContext } from '../tenants/tenant-context.js';
import { SigningKeysAdminService } from './signing-keys-admin.service.js';

@Controller('api/v2/keys/signing')
export class SigningKeysController {
  constructor(private readonly keys: SigningKeysAdminService) {}

  @Get()
  @Scopes('read:signing_keys')
  list(@Tenant() tenant: TenantContext) {
    return this.keys.list(tenant);
  }

  @Post('rotate')
  @HttpCode(201)
  @Scopes('create:signing_keys', 'update:signing_keys')
  rotate(@Tenant() tenant: TenantContext) {
    return this.keys.rotate(tenant);
  }

  @Get(':kid')
  @Scopes('read:signing_keys')
  get(@Tenant() tenant: TenantContext, @Param('kid') kid: string) {
    return this.keys.get(tenant, kid);
  }

  @Put(':kid/revoke')
  @HttpCode(200)
  @Scopes('update:signing_keys')
  revoke(@Tenant() tenant: TenantContext, @Param('kid') kid: string) {
    return this.keys.revoke(tenant, kid);
  }
}
