import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { parseListQuery } from '../management/list-query.js';
import { Scopes } from '../management/scopes.decorator.js';
import { Tenant, type TenantContext } from '../tenants/tenant-context.js';
import { ClientGrantsService } from './client-grants.service.js';
import { CreateClientGrantDto, UpdateClientGrantDto } from './dto/client-grant.dto.js';

@Controller('api/v2/client-grants')
export class ClientGrantsController {
  constructor(private readonly grants: ClientGrantsService) {}

  @Get()
  @Scopes('read:client_grants')
  list(@Tenant() tenant: TenantContext, @Query() query: Record<string, unknown>) {
    return this.grants.list(tenant, parseListQuery(query, ['audience', 'client_id', 'subject_type', 'allow_any_organization']));
  }

  @Post()
  @HttpCode(201)
  @Scopes('create:client_grants')
  create(@Tenant() tenant: TenantContext, @Body() body: CreateClientGrantDto) {
    return this.grants.create(tenant, body);
  }

  @Get(':id')
  @Scopes('read:client_grants')
  get(@Tenant() tenant: TenantContext, @Param('id') id: string) {
    return this.grants.get(tenant, id);
  }

  @Patch(':id')
  @Scopes('update:client_grants')
  update(@Tenant() tenant: TenantContext, @Param('id') id: string, @Body() body: UpdateClientGrantDto) {
    return this.grants.update(tenant, id, body);
  }

  @Delete(':id')
  @HttpCode(204)
  @Scopes('delete:client_grants')
  async remove(@Tenant() tenant: TenantContext, @Param('id') id: string): Promise<void> {
    await this.grants.delete(tenant, id);
  }
}
