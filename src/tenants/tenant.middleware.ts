import { Injectable, type NestMiddleware } from '@nestjs/common';
import type { NextFunction, Response } from 'express';
import type { TenantRequest } from './tenant-context.js';
import { TenantResolver } from './tenant-resolver.js';

/** Sets `req.tenant` for every request that goes through Express. */
@Injectable()
export class TenantMiddleware implements NestMiddleware {
  constructor(private readonly resolver: TenantResolver) {}

  async use(req: TenantRequest, _res: Response, next: NextFunction): Promise<void> {
    try {
      req.tenant = await this.resolver.contextFor(req.headers.host);
      next();
    } catch (e) {
      next(e);
    }
  }
}
