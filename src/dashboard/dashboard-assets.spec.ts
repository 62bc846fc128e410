import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findDashboardDir, loadDashboardAssets } from './dashboard-assets.js';

describe('findDashboardDir', () => {
  let root: string;
  let elsewhere: string;

  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'tessera-dash-'));
    writeFileSync(join(root, 'package.json'), '{}');
    mkdirSync(join(root, 'dashboard'));
    writeFileSync(join(root, 'dashboard', 'index.html'), '<!doctype html>');
    mkdirSync(join(root, 'dist', 'src', 'dashboard'), { recursive: true });
    mkdirSync(join(root, 'src', 'dashboard'), { recursive: true });
    elsewhere = mkdtempSync(join(tmpdir(), 'tessera-elsewhere-'));
  });

  afterAll(() => {
    rmSync(root, { recursive: true, force: true });
    rmSync(elsewhere, { recursive: true, force: true });
  });

  it('walks up from the compiled module (dist/src/dashboard) and from the source (src/dashboard)', () => {
    expect(findDashboardDir(join(root, 'dist', 'src', 'dashboard'), elsewhere)).toBe(join(root, 'dashboard'));
    expect(findDashboardDir(join(root, 'src', 'dashboard'), elsewhere)).toBe(join(root, 'dashboard'));
  });

  it('skips a package.json without a dashboard beside it (a dist/package.json)', () => {
    writeFileSync(join(root, 'dist', 'package.json'), '{}');
    expect(findDashboardDir(join(root, 'dist', 'src', 'dashboard'), elsewhere)).toBe(join(root, 'dashboard'));
  });

  it('falls back to the working directory, and is undefined when neither has one', () => {
    expect(findDashboardDir(elsewhere, root)).toBe(join(root, 'dashboard'));
    expect(findDashboardDir(elsewhere, elsewhere)).toBeUndefined();
  });
});

describe('loadDashboardAssets', () => {
  it('keeps only servable file types, keyed by their URL path', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tessera-assets-'));
    try {
      mkdirSync(join(dir, 'js', 'pages'), { recursive: true });
      writeFileSync(join(dir, 'index.html'), 'i');
      writeFileSync(join(dir, 'js', 'pages', 'a.js'), 'a');
      writeFileSync(join(dir, 'notes.md'), 'private');
      writeFileSync(join(dir, '.env'), 'SECRET=1');
      const assets = loadDashboardAssets(dir);
      expect([...assets.entries()].map(([path, a]) => [path, a.contentType, a.body.toString()]).sort()).toEqual([
        ['index.html', 'text/html; charset=utf-8', 'i'],
        ['js/pages/a.js', 'text/javascript; charset=utf-8', 'a'],
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
