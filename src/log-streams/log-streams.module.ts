import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DatabaseModule } from '../database/database.module.js';
import { KeysModule } from '../keys/keys.module.js';
import { LogEventEntity } from '../logs/log-event.entity.js';
import { LogStreamDelivery } from './log-stream-delivery.service.js';
import { LogStreamEntity } from './log-stream.entity.js';
import { LogStreamsController } from './log-streams.controller.js';
import { LogStreamsService } from './log-streams.service.js';

@Module({
  imports: [TypeOrmModule.forFeature([LogStreamEntity, LogEventEntity]), DatabaseModule, KeysModule],
  controllers: [LogStreamsController],
  providers: [LogStreamsService, LogStreamDelivery],
})
export class LogStreamsModule {}
