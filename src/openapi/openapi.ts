import { createRequire } from 'node:module';
import { ModulesContainer } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import type { Express, NextFunction, Request, Response } from 'express';
import { SCOPES_KEY } from '../management/scopes.decorator.js';
import { TenantResolver } from '../tenants/tenant-resolver.js';

export const OPENAPI_PATH = '/api/v2/openapi.json';
const SECURITY_SCHEME = 'managementApiToken';

/** class-validator-jsonschema is CommonJS; its named exports are read through require. */
const { validationMetadatasToSchemas } = createRequire(import.meta.url)('class-validator-jsonschema') as {
  validationMetadatasToSchemas(options?: { refPointerPrefix?: string; classTransformerMetadataStorage?: unknown }): Record<string, object>;
};
const { defaultMetadataStorage } = createRequire(import.meta.url)('class-transformer/cjs/storage.js') as {
  defaultMetadataStorage: unknown;
};

/**
 * The OpenAPI 3 document of the Management API (`/api/v2/...`) as this server registers it: paths and
 * parameters from the controllers (@nestjs/swagger), request bodies from the DTOs' class-validator rules
 * (Auth0's field names, types, enums, limits), and for each operation the scopes its @Scopes() names, as
 * OAuth 2 security requirements: one requirement per scope, since any one of them is enough. Built from
 * the running app, so a route added anywhere appears without being listed here.
 */
export function buildOpenApiDocument(app: NestExpressApplication, issuer: string): OpenAPIObject {
  const scopesByOperation = operationScopes(app);
  const allScopes = [...new Set([...scopesByOperation.values()].flat())].sort();
  const config = new DocumentBuilder()
    .setTitle('Tessera Management API')
    .setDescription("Auth0's Management API v2 as Tessera serves it. Call it with an access token for the audience `<issuer>api/v2/`.")
    .setVersion('2')
    .addServer(issuer.replace(/\/$/, ''))
    .addOAuth2(
      {
        type: 'oauth2',
        flows: { clientCredentials: { tokenUrl: `${issuer}oauth/token`, scopes: Object.fromEntries(allScopes.map((s) => [s, s])) } },
      },
      SECURITY_SCHEME,
    )
    .build();
  const document = SwaggerModule.createDocument(app, config, { ignoreGlobalPrefix: true });
  for (const path of Object.keys(document.paths)) {
    if (!path.startsWith('/api/v2/')) {
      delete document.paths[path];
    }
  }
  for (const item of Object.values(document.paths)) {
    for (const operation of Object.values(item) as { operationId?: string; security?: unknown; description?: string }[]) {
      const scopes = operation.operationId ? scopesByOperation.get(operation.operationId) : undefined;
      if (scopes) {
        operation.security = scopes.map((s) => ({ [SECURITY_SCHEME]: [s] }));
        operation.description = `Requires a Management API token with any of the scopes: ${scopes.join(', ')}.`;
      }
    }
  }
  // The DTO classes Nest referenced have empty schemas (no @ApiProperty); their class-validator rules fill them.
  const fromValidators = validationMetadatasToSchemas({
    refPointerPrefix: '#/components/schemas/',
    classTransformerMetadataStorage: defaultMetadataStorage,
  });
  document.components = { ...document.components, schemas: { ...document.components?.schemas, ...fromValidators } };
  return document;
}

/** `Controller_method` (the operationId @nestjs/swagger gives) to the scopes its @Scopes() names. */
function operationScopes(app: NestExpressApplication): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const module of app.get(ModulesContainer).values()) {
    for (const wrapper of module.controllers.values()) {
      const ctor = wrapper.metatype as (new (...a: unknown[]) => object) | null;
      if (!ctor) {
        continue;
      }
      for (const key of Object.getOwnPropertyNames(ctor.prototype)) {
        const handler = (ctor.prototype as Record<string, unknown>)[key];
        if (key === 'constructor' || typeof handler !== 'function') {
          continue;
        }
        const scopes = (Reflect.getMetadata(SCOPES_KEY, handler) ?? Reflect.getMetadata(SCOPES_KEY, ctor)) as string[] | undefined;
        if (scopes) {
          out.set(`${ctor.name}_${key}`, scopes);
        }
      }
    }
  }
  return out;
}

/**
 * Serves the document (public, like Auth0's API reference), built for the tenant the Host names on its
 * first request (it walks every controller) and kept.
 */
export function mountOpenApi(app: NestExpressApplication): void {
  const built = new Map<string, string>();
  const tenants = app.get(TenantResolver);
  (app.getHttpAdapter().getInstance() as Express).get(OPENAPI_PATH, (req: Request, res: Response, next: NextFunction) => {
    tenants.contextFor(req.headers.host).then((tenant) => {
      let json = built.get(tenant.issuer);
      if (json === undefined) {
        json = JSON.stringify(buildOpenApiDocument(app, tenant.issuer));
        built.set(tenant.issuer, json);
      }
      res.setHeader('Content-Type', 'application/json; charset=utf-8');
      res.setHeader('Cache-Control', 'public, max-age=300');
      res.end(json);
    }, next);
  });
}
