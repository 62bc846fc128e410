import { Inject, Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { IsNull, Not, Repository } from 'typeorm';
import type { AppConfig } from '../config/app-config.js';
import { APP_CONFIG } from '../config/config.module.js';
import { DbService } from '../database/db.service.js';
import { LogsService } from '../logs/logs.service.js';
import { LoginFailureEntity } from './login-failure.entity.js';
import { loginFailures, loginLockouts } from '../metrics/metrics.js';

/** Auth0's wording for a login refused by brute-force protection. */
export const BLOCKED_MESSAGE = 'Your account has been blocked after multiple consecutive login attempts.';

/**
 * Brute-force protection as Auth0 has it: after `loginLockoutAttempts` consecutive failed logins for one
 * user from one IP, logins for that user from that IP are refused, even with the right password, until an
 * admin unblocks them (`/api/v2/user-blocks`). A successful login resets the count.
 */
@Injectable()
export class LoginProtectionService {
  private readonly threshold: number;
  private readonly blockedListeners: ((tenantId: string, identifier: string, connection: string) => void)[] = [];

  constructor(
    @InjectRepository(LoginFailureEntity) private readonly repo: Repository<LoginFailureEntity>,
    private readonly db: DbService,
    private readonly logs: LogsService,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.threshold = config.loginLockoutAttempts;
  }

  async isBlocked(tenantId: string, identifier: string, ip: string | undefined): Promise<boolean> {
    if (this.threshold === 0) {
      return false;
    }
    const row = await this.repo.findOne({ where: { tenantId, identifier: norm(identifier), ip: ipOf(ip) } });
    return Boolean(row?.blockedAt);
  }

  /** Counts a failure; returns true when this failure blocked the identifier from this IP. */
  async recordFailure(tenantId: string, identifier: string, ip: string | undefined, connection: string): Promise<boolean> {
    loginFailures.inc();
    if (this.threshold === 0) {
      return false;
    }
    const now = new Date().toISOString();
    const key = { tenantId, identifier: norm(identifier), ip: ipOf(ip) };
    const blocked = await this.db.write(async (em) => {
      const row =
        (await em.findOne(LoginFailureEntity, { where: key })) ??
        Object.assign(new LoginFailureEntity(), { ...key, connection, count: 0, blockedAt: null });
      row.count += 1;
      row.updatedAt = now;
      const newlyBlocked = !row.blockedAt && row.count >= this.threshold;
      if (newlyBlocked) {
        row.blockedAt = now;
      }
      await em.save(LoginFailureEntity, row, { transaction: false, reload: false });
      return newlyBlocked;
    });
    if (blocked) {
      loginLockouts.inc();
      this.logs.record({
        tenantId,
        type: 'limit_wc',
        description: `Blocked account: ${this.threshold} consecutive failed logins from one IP`,
        userName: key.identifier,
        ip: key.ip,
      });
      for (const listener of this.blockedListeners) {
        listener(tenantId, key.identifier, connection);
      }
    }
    return blocked;
  }

  /** Told when an identifier becomes blocked (the `blocked_account` mail); must not throw or wait. */
  onBlocked(listener: (tenantId: string, identifier: string, connection: string) => void): void {
    this.blockedListeners.push(listener);
  }

  async recordSuccess(tenantId: string, identifier: string, ip: string | undefined): Promise<void> {
    if (this.threshold === 0) {
      return;
    }
    const key = { tenantId, identifier: norm(identifier), ip: ipOf(ip) };
    if (await this.repo.exist({ where: key })) {
      await this.db.write((em) => em.delete(LoginFailureEntity, key));
    }
  }

  /**
   * The IPs an identifier is blocked from, in Auth0's `blocked_for` shape. It has no paging, and an
   * attacker with many addresses can add rows, so the answer is bounded: the first BLOCKS_LISTED by IP.
   */
  async blocksOf(tenantId: string, identifier: string): Promise<{ identifier: string; ip: string; connection: string }[]> {
    const rows = await this.repo.find({
      where: { tenantId, identifier: norm(identifier), blockedAt: Not(IsNull()) },
      order: { ip: 'ASC' },
      take: BLOCKS_LISTED,
    });
    return rows.map((r) => ({ identifier: r.identifier, ip: r.ip, connection: r.connection }));
  }

  /** Clears every block and count of an identifier. */
  async unblock(tenantId: string, identifier: string): Promise<void> {
    await this.db.write((em) => em.delete(LoginFailureEntity, { tenantId, identifier: norm(identifier) }));
  }
}

const BLOCKS_LISTED = 1000;

function norm(identifier: string): string {
  return identifier.trim().toLowerCase().slice(0, 320);
}

function ipOf(ip: string | undefined): string {
  return (ip ?? 'unknown').slice(0, 64);
}
