import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DatabaseModule } from '../database/database.module.js';
import { KeysModule } from '../keys/keys.module.js';
import { ReferenceTokenEntity } from './reference-token.entity.js';
import { ReferenceTokensService } from './reference-tokens.service.js';

@Module({
  imports: [TypeOrmModule.forFeature([ReferenceTokenEntity]), DatabaseModule, KeysModule],
  providers: [ReferenceTokensService],
  exports: [ReferenceTokensService],
})
export class ReferenceTokensModule {}
