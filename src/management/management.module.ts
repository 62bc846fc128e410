import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { KeysModule } from '../keys/keys.module.js';
import { ManagementAuthGuard } from './management-auth.guard.js';

/** Registers the Management API guard globally; it acts only on handlers marked with @Scopes(). */
@Module({
  imports: [KeysModule],
  providers: [{ provide: APP_GUARD, useClass: ManagementAuthGuard }],
})
export class ManagementModule {}
