import { Module } from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DatabaseModule } from '../database/database.module.js';
import { KeysModule } from '../keys/keys.module.js';
import { AuditInterceptor } from './audit.interceptor.js';
import { LogEventEntity } from './log-event.entity.js';
import { LogRetentionService } from './log-retention.service.js';
import { LogsController } from './logs.controller.js';
import { LogsService } from './logs.service.js';
import { TokenExchangeLog } from './token-exchange-log.js';

@Module({
  imports: [TypeOrmModule.forFeature([LogEventEntity]), DatabaseModule, KeysModule],
  controllers: [LogsController],
  providers: [LogsService, TokenExchangeLog, LogRetentionService, { provide: APP_INTERCEPTOR, useClass: AuditInterceptor }],
  exports: [LogsService, TokenExchangeLog, LogRetentionService],
})
export class LogsModule {}
