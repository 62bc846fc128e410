import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post } from '@nestjs/common';
import { assertMinProperties } from '../common/validation.js';
import { Scopes } from '../management/scopes.decorator.js';
import { Tenant, type TenantContext } from '../tenants/tenant-context.js';
import { CreateLogStreamDto, UpdateLogStreamDto } from './dto/log-stream.dto.js';
import { LogStreamsService } from './log-streams.service.js';

@Controller('api/v2/log-streams')
export class LogStreamsController {
  constructor(private readonly streams: LogStreamsService) {}

  @Get()
  @Scopes('read:log_streams')
  list(@Tenant() tenant: TenantContext) {
    return this.streams.list(tenant);
  }

  @Post()
  @HttpCode(200)
  @Scopes('create:log_streams')
  create(@Tenant() tenant: TenantContext, @Body() body: CreateLogStreamDto) {
    return this.streams.create(tenant, body);
  }

  @Get(':id')
  @Scopes('read:log_streams')
  get(@Tenant() tenant: TenantContext, @Param('id') id: string) {
    return this.streams.get(tenant, id);
  }

  @Patch(':id')
  @Scopes('update:log_streams')
  update(@Tenant() tenant: TenantContext, @Param('id') id: string, @Body() body: UpdateLogStreamDto) {
    assertMinProperties(body, 1);
    return this.streams.update(tenant, id, body);
  }

  @Delete(':id')
  @HttpCode(204)
  @Scopes('delete:log_streams')
  async remove(@Tenant() tenant: TenantContext, @Param('id') id: string): Promise<void> {
    await this.streams.delete(tenant, id);
  }
}
