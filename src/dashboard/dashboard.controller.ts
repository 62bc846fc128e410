import { Controller, Get, Param, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { Tenant, type TenantContext } from '../tenants/tenant-context.js';
import { DASHBOARD_HEADERS, DashboardService } from './dashboard.service.js';

/** Serves the admin dashboard's static files and its sign-in settings; the pages talk only to the Management API. */
@Controller('dashboard')
export class DashboardController {
  constructor(private readonly dashboard: DashboardService) {}

  /** Declared before the catch-all below, which would answer it with 404 (no such file). */
  @Get('config.json')
  async config(@Tenant() tenant: TenantContext, @Req() req: Request, @Res() res: Response): Promise<void> {
    res.set({ ...DASHBOARD_HEADERS, 'Cache-Control': 'no-store' });
    const config = await this.dashboard.config(tenant, req.headers.host);
    if (!config) {
      res.status(404).json({ error: 'not_found', error_description: 'This tenant has no dashboard client.' });
      return;
    }
    res.json(config);
  }

  @Get(['', '*path'])
  serve(@Param('path') path: string[] | undefined, @Res() res: Response): void {
    res.set(DASHBOARD_HEADERS);
    const asset = this.dashboard.resolve(path ? path.join('/') : '');
    if (!asset) {
      res.status(404).type('text/plain').send('Not found');
      return;
    }
    res.type(asset.contentType).send(asset.body);
  }
}
