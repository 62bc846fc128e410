import { Inject, Injectable, type NestMiddleware } from '@nestjs/common';
import type { NextFunction, Response } from 'express';
import type { AppConfig } from '../config/app-config.js';
import { APP_CONFIG } from '../config/config.module.js';
import { DEFAULT_TENANT_ID } from './tenants.service.js';
import type { TenantContext, TenantRequest } from './tenant-context.js';

/** Resolves the request's tenant. One tenant per server for now: the one at PUBLIC_URL. */
@Injectable()
export class TenantMiddleware implements NestMiddleware {
  private readonly tenant: TenantContext;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    this.tenant = { id: DEFAULT_TENANT_ID, issuer: config.issuer };
  }

  use(req: TenantRequest, _res: Response, next: NextFunction): void {
    req.tenant = this.tenant;
    next();
  }
}
