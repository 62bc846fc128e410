import { Module } from '@nestjs/common';
import { CacheModule } from '../cache/cache.module.js';
import { CacheCoherenceService } from './cache-coherence.service.js';

@Module({
  imports: [CacheModule],
  providers: [CacheCoherenceService],
})
export class CacheCoherenceModule {}
