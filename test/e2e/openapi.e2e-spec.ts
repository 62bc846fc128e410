import type { Express } from 'express';
import { ModulesContainer } from '@nestjs/core';
import { SCOPES_KEY } from '../../src/management/scopes.decorator.js';
import { http, startTestApp, type TestApp } from '../helpers/test-app.js';

interface Layer {
  route?: { path: string | string[]; methods: Record<string, boolean> };
}

/** Every `METHOD /api/v2/...` route Express has registered, in OpenAPI's `{param}` spelling. */
function registeredRoutes(t: TestApp): Set<string> {
  const express = t.app.getHttpAdapter().getInstance() as Express & { router: { stack: Layer[] } };
  const out = new Set<string>();
  for (const layer of express.router.stack) {
    const paths = layer.route ? [layer.route.path].flat() : [];
    for (const path of paths) {
      if (!path.startsWith('/api/v2/') || path === '/api/v2/openapi.json') {
        continue;
      }
      for (const [method, on] of Object.entries(layer.route!.methods)) {
        if (on && method !== '_all') {
          out.add(`${method.toUpperCase()} ${path.replace(/:([A-Za-z0-9_]+)/g, '{$1}')}`);
        }
      }
    }
  }
  return out;
}

describe('OpenAPI document (/api/v2/openapi.json)', () => {
  let t: TestApp;
  let doc: any;

  beforeAll(async () => {
    t = await startTestApp();
    const res = await http(t.baseUrl, 'GET', '/api/v2/openapi.json');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    doc = res.body;
  });
  afterAll(async () => {
    await t.cleanup();
  });

  it('is OpenAPI 3 and lists exactly the Management routes the app registers', () => {
    expect(doc.openapi).toMatch(/^3\./);
    const documented = new Set<string>();
    for (const [path, item] of Object.entries(doc.paths as Record<string, Record<string, unknown>>)) {
      for (const method of Object.keys(item)) {
        documented.add(`${method.toUpperCase()} ${path}`);
      }
    }
    const registered = registeredRoutes(t);
    expect(registered.size).toBeGreaterThan(20);
    expect([...documented].sort()).toEqual([...registered].sort());
  });

  it('names, for each operation, the scopes the guard enforces', () => {
    const expected = new Map<string, string[]>();
    for (const module of t.app.get(ModulesContainer).values()) {
      for (const wrapper of module.controllers.values()) {
        const ctor = wrapper.metatype as any;
        for (const key of Object.getOwnPropertyNames(ctor.prototype)) {
          const scopes = Reflect.getMetadata(SCOPES_KEY, ctor.prototype[key]);
          if (scopes) {
            expected.set(`${ctor.name}_${key}`, scopes);
          }
        }
      }
    }
    let checked = 0;
    for (const item of Object.values(doc.paths as Record<string, Record<string, any>>)) {
      for (const op of Object.values(item)) {
        const scopes = expected.get(op.operationId);
        expect(scopes).toBeDefined();
        expect(op.security).toEqual(scopes!.map((s) => ({ managementApiToken: [s] })));
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(20);
    expect(Object.keys(doc.components.securitySchemes.managementApiToken.flows.clientCredentials.scopes)).toContain('read:log_streams');
    expect(doc.components.securitySchemes.managementApiToken.flows.clientCredentials.tokenUrl).toBe(`${t.issuer}oauth/token`);
  });

  it("describes request bodies with Auth0's field names from the DTOs", () => {
    const body = doc.paths['/api/v2/log-streams'].post.requestBody.content['application/json'].schema;
    const schema = doc.components.schemas[body.$ref.split('/').pop()];
    expect(Object.keys(schema.properties)).toEqual(expect.arrayContaining(['name', 'type', 'filters', 'sink', 'isPriority']));
    const sink = doc.components.schemas[schema.properties.sink.$ref.split('/').pop()];
    expect(sink.properties.httpContentFormat.enum).toEqual(['JSONLINES', 'JSONARRAY', 'JSONOBJECT']);
    expect(sink.required).toContain('httpEndpoint');
    const client = doc.paths['/api/v2/clients'].post.requestBody.content['application/json'].schema;
    expect(Object.keys(doc.components.schemas[client.$ref.split('/').pop()].properties)).toEqual(
      expect.arrayContaining(['name', 'grant_types', 'callbacks']),
    );
  });
});
