import { Module } from '@nestjs/common';
import { CacheRegistry } from './cache-registry.js';

/** One CacheRegistry per app: Nest shares a module's providers with every module that imports it. */
@Module({
  providers: [CacheRegistry],
  exports: [CacheRegistry],
})
export class CacheModule {}
