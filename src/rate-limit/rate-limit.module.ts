import { Module } from '@nestjs/common';
import { LogsModule } from '../logs/logs.module.js';
import { RateLimitMiddleware } from './rate-limit.middleware.js';
import { RateLimiter } from './rate-limiter.js';

@Module({
  imports: [LogsModule],
  providers: [RateLimiter, RateLimitMiddleware],
  exports: [RateLimiter, RateLimitMiddleware],
})
export class RateLimitModule {}
