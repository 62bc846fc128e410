import { Controller, Get, HttpCode, Res, ServiceUnavailableException } from '@nestjs/common';
import { HealthCheckService, HealthIndicatorService, TypeOrmHealthIndicator } from '@nestjs/terminus';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Response } from 'express';
import { DataSource } from 'typeorm';
import { SigningKeysService } from '../keys/signing-keys.service.js';
import { DEFAULT_TENANT_ID } from '../tenants/tenants.service.js';

/**
 * Liveness and readiness for orchestrators and load balancers. Neither is rate limited (the limiter
 * covers /oauth, /api/v2 and the login form only) and neither answer carries anything secret: check
 * names, up/down, and the failing check's message.
 */
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    private readonly db: TypeOrmHealthIndicator,
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly keys: SigningKeysService,
  ) {}

  /** The process serves requests: nothing else is checked, so a slow database never restarts it. */
  @Get('live')
  @HttpCode(200)
  live(@Res({ passthrough: true }) res: Response) {
    res.setHeader('Cache-Control', 'no-store');
    return { status: 'ok' };
  }

  /** Ready for traffic: the database answers, no migration is pending, the default tenant's keys are loaded. */
  @Get('ready')
  async ready(@Res({ passthrough: true }) res: Response) {
    res.setHeader('Cache-Control', 'no-store');
    try {
      return await this.health.check([
        () => this.db.pingCheck('database', { connection: this.dataSource }).withTimeout(2000),
        () =>
          this.indicators
            .check('migrations')
            .attempt(async () => {
              if (await this.dataSource.showMigrations()) {
                throw new Error('migrations are pending');
              }
            })
            .withTimeout(2000),
        () => {
          const keys = this.indicators.check('signing_keys');
          try {
            this.keys.current(DEFAULT_TENANT_ID);
            return keys.up();
          } catch {
            return keys.down('signing keys are not loaded');
          }
        },
      ]);
    } catch (e) {
      if (e instanceof ServiceUnavailableException) {
        res.status(503);
        return e.getResponse();
      }
      throw e;
    }
  }
}
