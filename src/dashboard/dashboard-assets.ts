import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, extname, join, parse, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface DashboardAsset {
  body: Buffer;
  contentType: string;
}

/** The only file types the dashboard serves; anything else in its folder stays private. */
const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
};

/**
 * The dashboard's folder: `dashboard/` beside package.json. Found by walking up from this module, which
 * sits in `src/dashboard` under jest and in `dist/src/dashboard` after a build, then from the process cwd.
 */
export function findDashboardDir(from = dirname(fileURLToPath(import.meta.url)), cwd = process.cwd()): string | undefined {
  for (const start of [from, cwd]) {
    for (let dir = start; ; dir = dirname(dir)) {
      if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'dashboard', 'index.html'))) {
        return join(dir, 'dashboard');
      }
      if (dir === parse(dir).root) {
        break;
      }
    }
  }
  return undefined;
}

/**
 * Reads every servable file under `root` into memory, keyed by its URL path (`js/main.js`). Serving only
 * from this map means no request path ever reaches the file system, so `..` and the like cannot escape.
 */
export function loadDashboardAssets(root: string): Map<string, DashboardAsset> {
  const assets = new Map<string, DashboardAsset>();
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const full = join(dir, entry.name);
      if (entry.isDirectory()) {
        walk(full);
      } else if (entry.isFile() && CONTENT_TYPES[extname(entry.name)]) {
        assets.set(relative(root, full).split(sep).join('/'), {
          body: readFileSync(full),
          contentType: CONTENT_TYPES[extname(entry.name)],
        });
      }
    }
  };
  walk(root);
  return assets;
}
