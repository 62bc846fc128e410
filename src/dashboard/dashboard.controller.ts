import { Controller, Get, Param, Res } from '@nestjs/common';
import type { Response } from 'express';
import { DASHBOARD_HEADERS, DashboardService } from './dashboard.service.js';

/** Serves the admin dashboard's static files; the pages themselves talk only to the Management API. */
@Controller('dashboard')
export class DashboardController {
  constructor(private readonly dashboard: DashboardService) {}

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
