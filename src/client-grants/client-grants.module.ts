import { Module } from '@nestjs/common';
import { CacheModule } from '../cache/cache.module.js';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ApisModule } from '../apis/apis.module.js';
import { ClientsModule } from '../clients/clients.module.js';
import { DatabaseModule } from '../database/database.module.js';
import { KeysModule } from '../keys/keys.module.js';
import { ClientGrantEntity } from './client-grant.entity.js';
import { ClientGrantsController } from './client-grants.controller.js';
import { ClientGrantsService } from './client-grants.service.js';

@Module({
  imports: [CacheModule, TypeOrmModule.forFeature([ClientGrantEntity]), DatabaseModule, KeysModule, ApisModule, ClientsModule],
  controllers: [ClientGrantsController],
  providers: [ClientGrantsService],
  exports: [ClientGrantsService],
})
export class ClientGrantsModule {}
