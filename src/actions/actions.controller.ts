import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ManagementError } from '../errors/api-error.js';
import { parseListQuery } from '../management/list-query.js';
import { Scopes } from '../management/scopes.decorator.js';
import { Tenant, type TenantContext } from '../tenants/tenant-context.js';
import { ActionBindingsService } from './action-bindings.service.js';
import { ActionsService } from './actions.service.js';
import { CreateActionDto, UpdateActionDto, UpdateBindingsDto } from './dto/action.dto.js';
import { TRIGGERS } from './triggers.js';

const page = (query: Record<string, unknown>, filters: string[] = []) => parseListQuery(query, filters, { checkpoint: false });

@Controller('api/v2/actions')
export class ActionsController {
  constructor(
    private readonly actions: ActionsService,
    private readonly bindings: ActionBindingsService,
  ) {}

  @Get('actions')
  @Scopes('read:actions')
  list(@Tenant() tenant: TenantContext, @Query() query: Record<string, unknown>) {
    return this.actions.list(tenant, page(query, ['triggerId', 'actionName', 'deployed', 'installed']));
  }

  @Post('actions')
  @HttpCode(201)
  @Scopes('create:actions')
  create(@Tenant() tenant: TenantContext, @Body() body: CreateActionDto) {
    return this.actions.create(tenant, body);
  }

  @Get('actions/:id')
  @Scopes('read:actions')
  get(@Tenant() tenant: TenantContext, @Param('id') id: string) {
    return this.actions.get(tenant, id);
  }

  @Patch('actions/:id')
  @Scopes('update:actions')
  update(@Tenant() tenant: TenantContext, @Param('id') id: string, @Body() body: UpdateActionDto) {
    return this.actions.update(tenant, id, body);
  }

  @Delete('actions/:id')
  @HttpCode(204)
  @Scopes('delete:actions')
  async remove(@Tenant() tenant: TenantContext, @Param('id') id: string, @Query('force') force?: string): Promise<void> {
    if (force !== undefined && force !== 'true' && force !== 'false') {
      throw ManagementError.badRequest("Query validation error: 'force' must be true or false.", 'invalid_query_string');
    }
    await this.actions.delete(tenant, id, force === 'true');
  }

  @Post('actions/:id/deploy')
  @HttpCode(200)
  @Scopes('create:actions')
  deploy(@Tenant() tenant: TenantContext, @Param('id') id: string) {
    return this.actions.deploy(tenant, id);
  }

  @Get('actions/:id/versions')
  @Scopes('read:actions')
  versions(@Tenant() tenant: TenantContext, @Param('id') id: string, @Query() query: Record<string, unknown>) {
    return this.actions.listVersions(tenant, id, page(query));
  }

  @Get('actions/:id/versions/:versionId')
  @Scopes('read:actions')
  version(@Tenant() tenant: TenantContext, @Param('id') id: string, @Param('versionId') versionId: string) {
    return this.actions.getVersion(tenant, id, versionId);
  }

  @Post('actions/:id/versions/:versionId/deploy')
  @HttpCode(200)
  @Scopes('create:actions')
  deployVersion(@Tenant() tenant: TenantContext, @Param('id') id: string, @Param('versionId') versionId: string) {
    return this.actions.deployVersion(tenant, id, versionId);
  }

  @Get('triggers')
  @Scopes('read:actions', 'read:triggers')
  triggers() {
    return { triggers: TRIGGERS };
  }

  @Get('triggers/:triggerId/bindings')
  @Scopes('read:actions', 'read:triggers')
  listBindings(@Tenant() tenant: TenantContext, @Param('triggerId') triggerId: string, @Query() query: Record<string, unknown>) {
    return this.bindings.list(tenant, triggerId, page(query));
  }

  @Patch('triggers/:triggerId/bindings')
  @Scopes('update:actions', 'update:triggers')
  updateBindings(@Tenant() tenant: TenantContext, @Param('triggerId') triggerId: string, @Body() body: UpdateBindingsDto) {
    return this.bindings.replace(tenant, triggerId, body.bindings ?? []);
  }
}
