import { Body, Controller, Headers, HttpCode, Post, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { requestClientId } from '../common/basic-credentials.js';
import { CorsPolicy } from '../cors/cors-policy.js';
import { OAuthError } from '../errors/api-error.js';
import { Tenant, type TenantContext } from '../tenants/tenant-context.js';
import { RevocationService } from './revocation.service.js';

@Controller('oauth')
export class RevocationController {
  constructor(
    private readonly revocation: RevocationService,
    private readonly cors: CorsPolicy,
  ) {}

  @Post('revoke')
  @HttpCode(200)
  async revoke(
    @Tenant() tenant: TenantContext,
    @Body() body: Record<string, unknown>,
    @Headers('authorization') authorization: string | undefined,
    @Headers('content-type') contentType: string | undefined,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ): Promise<void> {
    res.setHeader('Cache-Control', 'no-store');
    res.set(
      await this.cors.admit({ tenantId: tenant.id, headers: req.headers, ip: req.ip, clientId: requestClientId(body, authorization) }),
    );
    if (!contentType || !/^application\/(x-www-form-urlencoded|json)\b/i.test(contentType)) {
      throw OAuthError.invalidRequest('Content-Type must be application/x-www-form-urlencoded or application/json');
    }
    await this.revocation.revoke(tenant, authorization, body);
  }
}
