import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { CacheRegistry } from '../cache/cache-registry.js';
import type { AppConfig } from '../config/app-config.js';
import { APP_CONFIG } from '../config/config.module.js';

/**
 * Keeps per-process caches coherent across processes (cluster workers, several instances on one
 * database): every `cachePollMs` it reads a fingerprint of the cached tables and drops the caches that
 * read a table whose fingerprint moved (a users write drops the user profiles, not the clients). Writes
 * made by this process invalidate at once; others within the bound.
 */
@Injectable()
export class CacheCoherenceService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('CacheCoherence');
  private fingerprint = new Map<string, string>();
  private timer?: NodeJS.Timeout;
  private checking = false;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly caches: CacheRegistry,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    this.fingerprint = await this.read();
    if (this.config.cachePollMs > 0) {
      this.timer = setInterval(() => void this.check(), this.config.cachePollMs);
      this.timer.unref();
    }
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  /** Compares each table's fingerprint with the last one seen and drops the caches that read a moved one. */
  async check(): Promise<boolean> {
    if (this.checking || !this.dataSource.isInitialized) {
      return false;
    }
    this.checking = true;
    try {
      const now = await this.read();
      const labels = new Set([...now.keys(), ...this.fingerprint.keys()]);
      const moved = new Set([...labels].filter((label) => this.fingerprint.get(label) !== now.get(label)));
      if (moved.size === 0) {
        return false;
      }
      this.fingerprint = now;
      await this.caches.dropReading(moved);
      return true;
    } catch (e) {
      this.logger.warn(`cache check failed: ${e instanceof Error ? e.message : String(e)}`);
      return false;
    } finally {
      this.checking = false;
    }
  }

  /**
   * A fingerprint of every table some cache reads (the registry's list): each table's write counter (or the
   * aggregates it names). Every insert, update and delete moves it for good, so comparing fingerprints tells
   * whether any process wrote since the last look.
   */
  private async read(): Promise<Map<string, string>> {
    const sql = this.caches
      .tables()
      .map((t) => `SELECT '${t.label}' AS t, ${t.count} AS a, ${t.stamp} AS b FROM ${t.table}${t.where ? ` WHERE ${t.where}` : ''}`)
      .join(' UNION ALL ');
    const rows = (await this.dataSource.query(sql)) as { t: string; a: unknown; b: unknown }[];
    return new Map(rows.map((r) => [r.t, `${String(r.a)}:${String(r.b)}`]));
  }
}
