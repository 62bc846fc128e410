import { Module } from '@nestjs/common';
import { CacheModule } from '../cache/cache.module.js';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ConnectionsModule } from '../connections/connections.module.js';
import { DatabaseModule } from '../database/database.module.js';
import { KeysModule } from '../keys/keys.module.js';
import { UserEntity } from './user.entity.js';
import { UsersByEmailController, UsersController } from './users.controller.js';
import { UsersService } from './users.service.js';

@Module({
  imports: [CacheModule, TypeOrmModule.forFeature([UserEntity]), DatabaseModule, KeysModule, ConnectionsModule],
  controllers: [UsersController, UsersByEmailController],
  providers: [UsersService],
  exports: [UsersService],
})
export class UsersModule {}
