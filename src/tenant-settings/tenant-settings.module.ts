import { Module } from '@nestjs/common';
import { ApisModule } from '../apis/apis.module.js';
import { DatabaseModule } from '../database/database.module.js';
import { TenantsModule } from '../tenants/tenants.module.js';
import { TenantSettingsController } from './tenant-settings.controller.js';
import { TenantSettingsService } from './tenant-settings.service.js';

@Module({
  imports: [TenantsModule, ApisModule, DatabaseModule],
  controllers: [TenantSettingsController],
  providers: [TenantSettingsService],
})
export class TenantSettingsModule {}
