import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { extname } from 'node:path';
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

/** The dashboard's static files, read once at start and served from memory. */
@Injectable()
export class DashboardService implements OnModuleInit {
  private readonly logger = new Logger('Dashboard');
  private assets = new Map<string, DashboardAsset>();

  onModuleInit(): void {
    const dir = findDashboardDir();
    if (!dir) {
      this.logger.warn('dashboard/ not found beside package.json; /dashboard will answer 404');
      return;
    }
    this.assets = loadDashboardAssets(dir);
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
