import { Module } from '@nestjs/common';
import { CacheModule } from '../cache/cache.module.js';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DatabaseModule } from '../database/database.module.js';
import { KeysModule } from '../keys/keys.module.js';
import { TenantsModule } from '../tenants/tenants.module.js';
import { ApisController } from './apis.controller.js';
import { ApisService } from './apis.service.js';
import { ResourceServerEntity } from './resource-server.entity.js';

@Module({
  imports: [CacheModule, TypeOrmModule.forFeature([ResourceServerEntity]), DatabaseModule, KeysModule, TenantsModule],
  controllers: [ApisController],
  providers: [ApisService],
  exports: [ApisService],
})
export class ApisModule {}
