import { Module } from '@nestjs/common';
import { ClientsModule } from '../clients/clients.module.js';
import { DashboardController } from './dashboard.controller.js';
import { DashboardService } from './dashboard.service.js';

/** The admin dashboard at /dashboard: static files, plus the tenant's dashboard client for signing in. */
@Module({
  imports: [ClientsModule],
  controllers: [DashboardController],
  providers: [DashboardService],
})
export class DashboardModule {}
