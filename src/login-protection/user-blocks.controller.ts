import { Controller, Delete, Get, HttpCode, Param, Query } from '@nestjs/common';
import { Scopes } from '../management/scopes.decorator.js';
import { Tenant, type TenantContext } from '../tenants/tenant-context.js';
import { UserBlocksService } from './user-blocks.service.js';

/** Auth0's /api/v2/user-blocks: the brute-force blocks of a user, by identifier (e-mail) or user_id. */
@Controller('api/v2/user-blocks')
export class UserBlocksController {
  constructor(private readonly blocks: UserBlocksService) {}

  @Get()
  @Scopes('read:users')
  byIdentifier(@Tenant() tenant: TenantContext, @Query() query: Record<string, unknown>) {
    return this.blocks.getByIdentifier(tenant, query);
  }

  @Delete()
  @HttpCode(204)
  @Scopes('update:users')
  async unblockIdentifier(@Tenant() tenant: TenantContext, @Query() query: Record<string, unknown>): Promise<void> {
    await this.blocks.unblockByIdentifier(tenant, query);
  }

  @Get(':id')
  @Scopes('read:users')
  byUser(@Tenant() tenant: TenantContext, @Param('id') id: string) {
    return this.blocks.getByUser(tenant, id);
  }

  @Delete(':id')
  @HttpCode(204)
  @Scopes('update:users')
  async unblockUser(@Tenant() tenant: TenantContext, @Param('id') id: string): Promise<void> {
    await this.blocks.unblockUser(tenant, id);
  }
}
