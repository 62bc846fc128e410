import 'reflect-metadata';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { METHOD_METADATA, PATH_METADATA, ROUTE_ARGS_METADATA } from '@nestjs/common/constants.js';
import { Body, Controller, Get, ParseArrayPipe, Patch, Post, Put, RequestMethod, type DynamicModule } from '@nestjs/common';
import { RouteParamtypes } from '@nestjs/common/enums/route-paramtypes.enum.js';
import { getMetadataStorage, IsString } from 'class-validator';
import { Scopes, SCOPES_KEY } from './scopes.decorator.js';

/*
 * Walks the route metadata of every controller the app registers and checks two rules for the Management API:
 * every /api/v2 handler is guarded by @Scopes(), and every @Body() it takes is a class-validator DTO
 * class (a plain object, an interface or a partial `@Body('x')` would skip the ValidationPipe).
 */

type Ctor = new (...args: never[]) => unknown;

interface Route {
  controller: string;
  handler: string;
  method: string;
  path: string;
  scopes: string[] | undefined;
  bodies: { index: number; data: unknown; type: unknown; pipes?: unknown[] }[];
}

function joinPaths(...parts: (string | string[] | undefined)[]): string[] {
  let paths = [''];
  for (const part of parts) {
    const options = part === undefined ? [''] : Array.isArray(part) ? part : [part];
    paths = paths.flatMap((p) => options.map((o) => `${p}/${o}`));
  }
  return paths.map((p) => `/${p.split('/').filter(Boolean).join('/')}`);
}

/** The routes one controller class declares. */
function routesOf(ctor: Ctor): Route[] {
  const routes: Route[] = [];
  const prefix = Reflect.getMetadata(PATH_METADATA, ctor) as string | string[];
  for (const name of Object.getOwnPropertyNames(ctor.prototype)) {
    const handler = (ctor.prototype as Record<string, unknown>)[name];
    if (name === 'constructor' || typeof handler !== 'function' || !Reflect.hasMetadata(METHOD_METADATA, handler)) {
      continue;
    }
    const method = RequestMethod[Reflect.getMetadata(METHOD_METADATA, handler) as number];
    const sub = Reflect.getMetadata(PATH_METADATA, handler) as string | string[] | undefined;
    const args = (Reflect.getMetadata(ROUTE_ARGS_METADATA, ctor, name) ?? {}) as Record<
      string,
      { index: number; data: unknown; pipes?: unknown[] }
    >;
    const types = (Reflect.getMetadata('design:paramtypes', ctor.prototype, name) ?? []) as unknown[];
    const bodies = Object.entries(args)
      .filter(([key]) => Number(key.split(':')[0]) === RouteParamtypes.BODY)
      .map(([, a]) => ({ index: a.index, data: a.data, type: types[a.index], pipes: a.pipes }));
    const scopes = (Reflect.getMetadata(SCOPES_KEY, handler) ?? Reflect.getMetadata(SCOPES_KEY, ctor)) as string[] | undefined;
    for (const path of joinPaths(prefix, sub)) {
      routes.push({ controller: ctor.name, handler: name, method, path, scopes, bodies });
    }
  }
  return routes;
}

/**
 * Every controller the application registers: walks AppModule's import graph (dynamic modules included)
 * without instantiating anything, so a controller is checked wherever its file lives.
 */
function controllersOf(root: unknown): Ctor[] {
  const seen = new Set<unknown>();
  const controllers = new Set<Ctor>();
  const visit = (entry: unknown): void => {
    if (!entry || seen.has(entry)) {
      return;
    }
    seen.add(entry);
    if (typeof entry === 'object' && 'forwardRef' in entry && typeof entry.forwardRef === 'function') {
      visit((entry.forwardRef as () => unknown)());
      return;
    }
    const dynamic = typeof entry === 'object' && 'module' in entry ? (entry as DynamicModule) : undefined;
    const moduleClass = dynamic ? dynamic.module : entry;
    if (typeof moduleClass !== 'function') {
      return;
    }
    const declared = [
      ...((Reflect.getMetadata('controllers', moduleClass) as Ctor[] | undefined) ?? []),
      ...((dynamic?.controllers as Ctor[] | undefined) ?? []),
    ];
    declared.forEach((c) => controllers.add(c));
    [...((Reflect.getMetadata('imports', moduleClass) as unknown[] | undefined) ?? []), ...(dynamic?.imports ?? [])].forEach(visit);
    if (moduleClass !== entry) {
      visit(moduleClass);
    }
  };
  visit(root);
  return [...controllers];
}

async function collectRoutes(): Promise<Route[]> {
  const dir = mkdtempSync(join(tmpdir(), 'tessera-routes-'));
  try {
    const { AppModule } = await import('../app.module.js');
    const { loadConfig } = await import('../config/app-config.js');
    const app = AppModule.forRoot(loadConfig({ DATABASE_URL: `sqlite:${join(dir, 'unused.sqlite')}` }));
    return controllersOf(app).flatMap((c) => routesOf(c));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const isManagement = (r: Route) => r.path === '/api/v2' || r.path.startsWith('/api/v2/');
const describeRoute = (r: Route) => `${r.method} ${r.path} (${r.controller}.${r.handler})`;

/** /api/v2 handlers that no @Scopes() guards. */
function unguarded(routes: Route[]): string[] {
  return routes.filter((r) => isManagement(r) && (!r.scopes || r.scopes.length === 0)).map(describeRoute);
}

/** /api/v2 handlers whose @Body() is not a whole DTO class. */
function looseBodies(routes: Route[]): string[] {
  return routes
    .filter(isManagement)
    .flatMap((r) =>
      r.bodies
        .filter((b) => b.data !== undefined || !(isDtoClass(b.type) || isValidatedArray(b)))
        .map((b) => `${describeRoute(r)} argument ${b.index}`),
    );
}

/** An array body (Auth0's PATCH /connections/{id}/clients) validated item by item with a DTO class. */
function isValidatedArray(b: { type: unknown; pipes?: unknown[] }): boolean {
  return (
    b.type === Array &&
    (b.pipes ?? []).some((p) => p instanceof ParseArrayPipe && isDtoClass((p as unknown as { options: { items?: unknown } }).options.items))
  );
}

function isDtoClass(type: unknown): boolean {
  if (typeof type !== 'function' || [Object, String, Number, Boolean, Array, Function].includes(type as never)) {
    return false;
  }
  return getMetadataStorage().getTargetValidationMetadatas(type, '', false, false).length > 0;
}

class FakeDto {
  @IsString()
  name: string;
}

@Controller('api/v2/fake')
class FakeController {
  @Get()
  unguarded(): void {}

  @Post()
  @Scopes('create:fake')
  plainBody(@Body() _body: Record<string, unknown>): void {}

  @Patch(':id')
  @Scopes('update:fake')
  partialBody(@Body('name') _name: string): void {}

  @Put(':id')
  @Scopes('update:fake')
  fine(@Body() _body: FakeDto): void {}
}

describe('Management API route metadata', () => {
  let routes: Route[];
  let management: Route[];

  beforeAll(async () => {
    routes = await collectRoutes();
    management = routes.filter(isManagement);
  }, 60000);

  it('finds the Management API routes (the walk itself works)', () => {
    const seen = management.map((r) => `${r.method} ${r.path}`);
    expect(seen).toEqual(
      expect.arrayContaining([
        'GET /api/v2/resource-servers',
        'POST /api/v2/resource-servers',
        'GET /api/v2/resource-servers/:id',
        'PATCH /api/v2/resource-servers/:id',
        'DELETE /api/v2/resource-servers/:id',
        'GET /api/v2/tenants/settings',
        'PATCH /api/v2/tenants/settings',
      ]),
    );
    expect(management.find((r) => r.path === '/api/v2/resource-servers' && r.method === 'POST')?.bodies).toHaveLength(1);
    // Routes outside /api/v2 are seen too, and are not held to these rules.
    expect(routes.some((r) => r.path === '/.well-known/jwks.json')).toBe(true);
  });

  it('guards every /api/v2 handler with @Scopes() naming at least one scope', () => {
    expect(unguarded(routes)).toEqual([]);
  });

  it('takes every /api/v2 @Body() as a whole, validated DTO class', () => {
    expect(looseBodies(routes)).toEqual([]);
  });

  it('catches a handler without @Scopes(), a plain-object body and a partial body', () => {
    const fake = routesOf(FakeController);
    expect(unguarded(fake)).toEqual(['GET /api/v2/fake (FakeController.unguarded)']);
    expect(looseBodies(fake)).toEqual([
      'POST /api/v2/fake (FakeController.plainBody) argument 0',
      'PATCH /api/v2/fake/:id (FakeController.partialBody) argument 0',
    ]);
  });
});
