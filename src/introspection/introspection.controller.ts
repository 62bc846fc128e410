import { Body, Controller, Headers, HttpCode, Post, Res } from '@nestjs/common';
import type { Response } from 'express';
import { Tenant, type TenantContext } from '../tenants/tenant-context.js';
import { IntrospectionService } from './introspection.service.js';

@Controller('oauth')
export class IntrospectionController {
  constructor(private readonly introspection: IntrospectionService) {}

  @Post('introspect')
  @HttpCode(200)
  introspect(
    @Tenant() tenant: TenantContext,
    @Body() body: Record<string, unknown>,
    @Headers('authorization') authorization: string | undefined,
    @Res({ passthrough: true }) res: Response,
  ) {
    res.setHeader('Cache-Control', 'no-store');
    return this.introspection.introspect(tenant, authorization, body);
  }
}
