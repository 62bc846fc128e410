import { Module } from '@nestjs/common';
import { CacheModule } from '../cache/cache.module.js';
import { TypeOrmModule } from '@nestjs/typeorm';
import { TenantDomainEntity } from './tenant-domain.entity.js';
import { TenantEntity } from './tenant.entity.js';
import { TenantResolver } from './tenant-resolver.js';
import { TenantsService } from './tenants.service.js';

@Module({
  imports: [CacheModule, TypeOrmModule.forFeature([TenantEntity, TenantDomainEntity])],
  providers: [TenantsService, TenantResolver],
  exports: [TenantsService, TenantResolver],
})
export class TenantsModule {}
