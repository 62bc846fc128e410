import { Inject, Injectable, Module, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { AppConfig } from '../config/app-config.js';
import { APP_CONFIG } from '../config/config.module.js';
import { claimDatabase, releaseDatabase } from './database-claim.js';

/** Marks the SQLite database as served by this process while the app runs (see database-claim.ts). */
@Injectable()
export class DatabaseClaim implements OnApplicationBootstrap, OnApplicationShutdown {
  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  onApplicationBootstrap(): void {
    if (this.config.database.type === 'sqlite') {
      claimDatabase(this.config.database.path);
    }
  }

  onApplicationShutdown(): void {
    if (this.config.database.type === 'sqlite') {
      releaseDatabase(this.config.database.path);
    }
  }
}

@Module({ providers: [DatabaseClaim] })
export class BackupModule {}
