import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { ChainCache } from '../actions/chain-cache.js';
import { ApisService } from '../apis/apis.service.js';
import { ClientGrantsService } from '../client-grants/client-grants.service.js';
import { ClientsService } from '../clients/clients.service.js';
import type { AppConfig } from '../config/app-config.js';
import { APP_CONFIG } from '../config/config.module.js';
import { SigningKeysService } from '../keys/signing-keys.service.js';
import { TenantsService } from '../tenants/tenants.service.js';

/**
 * A fingerprint of every table the hot path caches: row counts and the newest change stamp. Inserts,
 * updates and deletes each move it, so comparing fingerprints tells whether any process wrote.
 */
const FINGERPRINT_SQL = `
  SELECT 'tenants' AS t, COUNT(*) AS a, MAX(updated_at) AS b FROM tenants
  UNION ALL SELECT 'tenant_domains', COUNT(*), MAX(created_at) FROM tenant_domains
  UNION ALL SELECT 'resource_servers', COUNT(*), MAX(updated_at) FROM resource_servers
  UNION ALL SELECT 'clients', COUNT(*), MAX(updated_at) FROM clients
  UNION ALL SELECT 'client_grants', COUNT(*), MAX(updated_at) FROM client_grants
  UNION ALL SELECT 'signing_keys', COUNT(*), MAX(current_since) FROM signing_keys
  UNION ALL SELECT 'signing_keys_revoked', COUNT(revoked_at), MAX(revoked_at) FROM signing_keys
  UNION ALL SELECT 'actions', COUNT(*), MAX(updated_at) FROM actions
  UNION ALL SELECT 'action_bindings', COUNT(*), MAX(updated_at) FROM action_bindings`;

/**
 * Keeps per-process caches coherent across processes (cluster workers, several instances on one
 * database): every `cachePollMs` it reads a fingerprint of the cached tables and drops every cache when
 * another process changed them. Writes made by this process invalidate at once; others within the bound.
 */
@Injectable()
export class CacheCoherenceService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('CacheCoherence');
  private fingerprint?: string;
  private timer?: NodeJS.Timeout;
  private checking = false;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly tenants: TenantsService,
    private readonly apis: ApisService,
    private readonly clients: ClientsService,
    private readonly grants: ClientGrantsService,
    private readonly keys: SigningKeysService,
    private readonly actionChains: ChainCache,
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

  /** Compares the fingerprint with the last one seen and drops every cache when it moved. */
  async check(): Promise<boolean> {
    if (this.checking || !this.dataSource.isInitialized) {
      return false;
    }
    this.checking = true;
    try {
      const now = await this.read();
      if (now === this.fingerprint) {
        return false;
      }
      this.fingerprint = now;
      await this.dropAll();
      return true;
    } catch (e) {
      this.logger.warn(`cache check failed: ${e instanceof Error ? e.message : String(e)}`);
      return false;
    } finally {
      this.checking = false;
    }
  }

  private async read(): Promise<string> {
    const rows = (await this.dataSource.query(FINGERPRINT_SQL)) as { t: string; a: unknown; b: unknown }[];
    return rows.map((r) => `${r.t}:${String(r.a)}:${String(r.b)}`).join('|');
  }

  private async dropAll(): Promise<void> {
    this.tenants.invalidate();
    for (const t of await this.tenants.list()) {
      this.apis.invalidate(t.id);
      this.clients.invalidate(t.id);
    }
    this.grants.invalidate();
    this.actionChains.invalidateAll();
    await this.keys.reloadAll();
  }
}
