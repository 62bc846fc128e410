import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query, Req } from '@nestjs/common';
import { parseListQuery, projectFields } from '../management/list-query.js';
import { Scopes } from '../management/scopes.decorator.js';
import { Tenant, type TenantContext, type TenantRequest } from '../tenants/tenant-context.js';
import { ClientsService } from './clients.service.js';
import { CreateClientDto, UpdateClientDto } from './dto/client.dto.js';

const scopesOf = (req: TenantRequest): string[] => req.managementToken?.scopes ?? [];

@Controller('api/v2/clients')
export class ClientsController {
  constructor(private readonly clients: ClientsService) {}

  @Get()
  @Scopes('read:clients', 'read:client_keys')
  list(@Tenant() tenant: TenantContext, @Query() query: Record<string, unknown>, @Req() req: TenantRequest) {
    return this.clients.list(tenant, parseListQuery(query, ['is_global', 'is_first_party', 'app_type']), scopesOf(req));
  }

  @Post()
  @HttpCode(201)
  @Scopes('create:clients')
  create(@Tenant() tenant: TenantContext, @Body() body: CreateClientDto) {
    return this.clients.create(tenant, body);
  }

  @Get(':id')
  @Scopes('read:clients', 'read:client_keys')
  async get(@Tenant() tenant: TenantContext, @Param('id') id: string, @Query() query: Record<string, unknown>, @Req() req: TenantRequest) {
    const q = parseListQuery(query);
    return projectFields(await this.clients.get(tenant, id, scopesOf(req)), q);
  }

  @Patch(':id')
  @Scopes('update:clients', 'update:client_keys')
  update(@Tenant() tenant: TenantContext, @Param('id') id: string, @Body() body: UpdateClientDto, @Req() req: TenantRequest) {
    return this.clients.update(tenant, id, body, scopesOf(req));
  }

  @Delete(':id')
  @HttpCode(204)
  @Scopes('delete:clients')
  async remove(@Tenant() tenant: TenantContext, @Param('id') id: string): Promise<void> {
    await this.clients.delete(tenant, id);
  }

  @Post(':id/rotate-secret')
  @HttpCode(200)
  @Scopes('update:client_keys')
  rotateSecret(@Tenant() tenant: TenantContext, @Param('id') id: string) {
    return this.clients.rotateSecret(tenant, id);
  }
}
