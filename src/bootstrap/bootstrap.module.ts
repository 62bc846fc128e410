import { Module } from '@nestjs/common';
import { TenantAdminModule } from '../tenant-admin/tenant-admin.module.js';
import { TenantsModule } from '../tenants/tenants.module.js';
import { BootstrapService } from './bootstrap.service.js';

@Module({
  imports: [TenantsModule, TenantAdminModule],
  providers: [BootstrapService],
})
export class BootstrapModule {}
