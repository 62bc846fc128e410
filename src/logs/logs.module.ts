import { Module } from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DatabaseModule } from '../database/database.module.js';
import { KeysModule } from '../keys/keys.module.js';
import { AuditInterceptor } from './audit.interceptor.js';
import { LogEventEntity } from './log-event.entity.js';
import { LogsController } from './logs.controller.js';
import { LogsService } from './logs.service.js';

@Module({
  imports: [TypeOrmModule.forFeature([LogEventEntity]), DatabaseModule, KeysModule],
  controllers: [LogsController],
  providers: [LogsService, { provide: APP_INTERCEPTOR, useClass: AuditInterceptor }],
  exports: [LogsService],
})
export class LogsModule {}
