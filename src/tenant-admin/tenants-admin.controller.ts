import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post } from '@nestjs/common';
import { Scopes } from '../management/scopes.decorator.js';
import { Tenant, type TenantContext } from '../tenants/tenant-context.js';
import { CreateTenantDto, UpdateTenantDto } from './dto/tenant.dto.js';
import { TenantsAdminService } from './tenants-admin.service.js';

/** Tessera's own extension, not part of Auth0's Management API. */
@Controller('api/v2/tessera/tenants')
export class TenantsAdminController {
  constructor(private readonly tenants: TenantsAdminService) {}

  @Get()
  @Scopes('read:tenants')
  list(@Tenant() caller: TenantContext) {
    return this.tenants.list(caller);
  }

  @Post()
  @HttpCode(201)
  @Scopes('create:tenants')
  create(@Tenant() caller: TenantContext, @Body() body: CreateTenantDto) {
    return this.tenants.create(caller, body);
  }

  @Get(':id')
  @Scopes('read:tenants')
  get(@Tenant() caller: TenantContext, @Param('id') id: string) {
    return this.tenants.get(caller, id);
  }

  @Patch(':id')
  @Scopes('update:tenants')
  update(@Tenant() caller: TenantContext, @Param('id') id: string, @Body() body: UpdateTenantDto) {
    return this.tenants.update(caller, id, body);
  }

  @Delete(':id')
  @HttpCode(204)
  @Scopes('delete:tenants')
  async remove(@Tenant() caller: TenantContext, @Param('id') id: string): Promise<void> {
    await this.tenants.delete(caller, id);
  }
}
