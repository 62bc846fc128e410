import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { extname } from 'node:path';
import { ClientsService } from '../clients/clients.service.js';
import { managementApiIdentifier, type TenantContext } from '../tenants/tenant-context.js';
import { normalizeHost } from '../tenants/tenants.service.js';
import { findDashboardDir, loadDashboardAssets, type DashboardAsset } from './dashboard-assets.js';

/**
 * Headers on every dashboard response. The CSP allows only the dashboard's own files: no inline script or
 * style, no eval, no frames, requests to this origin only, and Trusted Types so that no code path can
 * write HTML from a string (the pages build DOM nodes).
 */
export const DASHBOARD_HEADERS: Record<string, string> = {
  'Content-Security-Policy': [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self'",
    "connect-src 'self'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
    "require-trusted-types-for 'script'",
    "trusted-types 'none'",
  ].join('; '),
  'X-Frame-Options': 'DENY',
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'Cross-Origin-Resource-Policy': 'same-origin',
  'Permissions-Policy': 'camera=(), microphone=(), geolocation=(), payment=()',
  'Cache-Control': 'no-cache',
};

/** What the dashboard's script needs to sign a user in: `GET /dashboard/config.json`. */
export interface DashboardConfig {
  client_id: string;
  issuer: string;
  /** The Management API identifier. */
  audience: string;
  /** The dashboard client's callback on the domain the page was opened on (else the issuer's). */
  callback_url: string;
  /** Where `/v2/logout` sends the browser back to: an allowed logout URL of the dashboard client. */
  logout_url: string;
}

/** The dashboard's static files, read once at start and served from memory, and its sign-in settings. */
@Injectable()
export class DashboardService implements OnModuleInit {
  private readonly logger = new Logger('Dashboard');
  private assets = new Map<string, DashboardAsset>();

  constructor(private readonly clients: ClientsService) {}

  onModuleInit(): void {
    const dir = findDashboardDir();
    if (!dir) {
      this.logger.warn('dashboard/ not found beside package.json; /dashboard will answer 404');
      return;
    }
    this.assets = loadDashboardAssets(dir);
  }

  /** The tenant's dashboard sign-in settings for a page opened on `host`; undefined without a dashboard client. */
  async config(tenant: TenantContext, host: string | undefined): Promise<DashboardConfig | undefined> {
    const client = await this.clients.findDashboardClient(tenant.id);
    if (!client || client.callbacks.length === 0) {
      return undefined;
    }
    const here = normalizeHost(host);
    const onThisHost = (urls: string[]) => urls.find((u) => new URL(u).host === here) ?? urls[0];
    return {
      client_id: client.clientId,
      issuer: tenant.issuer,
      audience: managementApiIdentifier(tenant.issuer),
      callback_url: onThisHost(client.callbacks),
      logout_url: onThisHost(client.allowedLogoutUrls),
    };
  }

  /**
   * The file for a path under /dashboard/. Paths without an extension are the single-page app's own
   * routes (`apis/<id>`), so a reload or a bookmark gets index.html; a missing file is undefined.
   */
  resolve(path: string): DashboardAsset | undefined {
    const asset = this.assets.get(path);
    if (asset) {
      return asset;
    }
    return extname(path) === '' ? this.assets.get('index.html') : undefined;
  }
}
