import { Controller, Delete, Get, Inject, Patch, Post, Put, Query, Req } from '@nestjs/common';
import { isDeepStrictEqual } from 'node:util';
import type { Request } from 'express';
import type { AppConfig } from '../../config/app-config.js';
import { APP_CONFIG } from '../../config/config.module.js';
import { ManagementError } from '../../errors/api-error.js';
import { pageOf, parseListQuery } from '../list-query.js';
import { Scopes } from '../scopes.decorator.js';
import { UNSUPPORTED_RESOURCES, type UnsupportedResource } from './unsupported-resources.js';

type Handler = (this: UnsupportedResourcesController, query: Record<string, unknown>, req: Request) => unknown;

const PAGING = ['page', 'per_page', 'include_totals', 'fields', 'include_fields', 'from', 'take'];

function notSupported(r: UnsupportedResource): ManagementError {
  return ManagementError.badRequest(`${r.name}: not supported by Tessera`, 'operation_not_supported');
}

/**
 * One controller for the whole list in unsupported-resources.ts: each entry gets its routes as methods
 * defined here, with the same decorators a hand-written controller would carry (so the Management guard
 * and the route checks see them like any other).
 */
@Controller('api/v2')
export class UnsupportedResourcesController {
  constructor(@Inject(APP_CONFIG) readonly config: AppConfig) {}
}

const methods = { GET: Get, POST: Post, PATCH: Patch, PUT: Put, DELETE: Delete };

function route(method: keyof typeof methods, path: string, scope: string, handler: Handler): void {
  const proto = UnsupportedResourcesController.prototype as unknown as Record<string, Handler>;
  const name = `${method.toLowerCase()}_${path.replace(/[^a-z0-9]+/gi, '_')}`;
  if (name in proto) {
    throw new Error(`unsupported-resources: two routes named ${name}`);
  }
  // A function of its own per route: Nest keeps a route's method and path on the function object.
  proto[name] = function (this: UnsupportedResourcesController, query: Record<string, unknown>, req: Request) {
    return handler.call(this, query, req);
  };
  // The OpenAPI document names operations after the function.
  Object.defineProperty(proto[name], 'name', { value: name });
  const descriptor = Object.getOwnPropertyDescriptor(proto, name)!;
  Query()(proto, name, 0);
  Req()(proto, name, 1);
  Reflect.defineMetadata('design:paramtypes', [Object, Object], proto, name);
  methods[method](path)(proto, name, descriptor);
  Scopes(scope)(proto, name, descriptor);
}

for (const r of UNSUPPORTED_RESOURCES) {
  const refuse: Handler = () => {
    throw notSupported(r);
  };
  const empty = r.empty;
  if ('object' in empty) {
    route('GET', r.path, r.read, function () {
      return empty.object(this.config);
    });
    // Stating the nothing-configured value back (or part of it) changes nothing: answered like a read.
    const echo: Handler = function (_query, req) {
      const current = empty.object(this.config);
      const body: unknown = req.body;
      if (typeof body !== 'object' || body === null || Array.isArray(body)) {
        throw notSupported(r);
      }
      for (const [key, value] of Object.entries(body)) {
        if (!isDeepStrictEqual(current[key], value)) {
          throw notSupported(r);
        }
      }
      return current;
    };
    route('PATCH', r.path, r.write, echo);
    route('PUT', r.path, r.write, echo);
    route('DELETE', r.path, r.write, refuse);
    continue;
  }
  if ('absent' in empty) {
    route('GET', r.path, r.read, () => {
      throw ManagementError.notFound(`${r.name}: none configured (not supported by Tessera)`);
    });
  } else if ('list' in empty) {
    route('GET', r.path, r.read, (query) => {
      // Filters of an empty list select nothing either way; only the paging shapes the answer.
      const q = parseListQuery(Object.fromEntries(Object.entries(query).filter(([k]) => PAGING.includes(k))));
      return empty.paging === 'page' ? { [empty.list]: [], total: 0, page: q.page, per_page: q.perPage } : pageOf([], q, empty.list);
    });
  } else if ('wrapped' in empty) {
    route('GET', r.path, r.read, () => ({ [empty.wrapped]: [] }));
  } else {
    route('GET', r.path, r.read, () => []);
    // Setting the whole collection to what it is (none) changes nothing.
    route('PUT', r.path, r.write, (_query, req) => {
      if (!isDeepStrictEqual(req.body, [])) {
        throw notSupported(r);
      }
      return [];
    });
  }
  if (!('absent' in empty)) {
    route('GET', `${r.path}/:id`, r.read, () => {
      throw ManagementError.notFound(`${r.name}: none exist (not supported by Tessera)`);
    });
    route('PATCH', `${r.path}/:id`, r.write, refuse);
    route('DELETE', `${r.path}/:id`, r.write, refuse);
  }
  route('POST', r.path, r.write, refuse);
  route('PATCH', r.path, r.write, refuse);
  if (!('array' in empty)) {
    route('PUT', r.path, r.write, refuse);
  }
}
