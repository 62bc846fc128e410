import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DatabaseModule } from '../database/database.module.js';
import { LogsModule } from '../logs/logs.module.js';
import { UsersModule } from '../users/users.module.js';
import { LoginFailureEntity } from './login-failure.entity.js';
import { LoginProtectionService } from './login-protection.service.js';
import { UserBlocksController } from './user-blocks.controller.js';
import { UserBlocksService } from './user-blocks.service.js';

@Module({
  imports: [TypeOrmModule.forFeature([LoginFailureEntity]), DatabaseModule, LogsModule, UsersModule],
  controllers: [UserBlocksController],
  providers: [LoginProtectionService, UserBlocksService],
  exports: [LoginProtectionService],
})
export class LoginProtectionModule {}
