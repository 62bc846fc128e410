#!/usr/bin/env node
import 'reflect-metadata';
import { parseArgs } from 'node:util';
import { NestFactory } from '@nestjs/core';
import { AppModule } from './app.module.js';
import { ConfigError, loadConfig } from './config/app-config.js';
import { ManagementError } from './errors/api-error.js';
import { TenantProvisioningService } from './tenant-admin/tenant-provisioning.service.js';
import { TenantsAdminService } from './tenant-admin/tenants-admin.service.js';
import { DEFAULT_TENANT_ID } from './tenants/tenants.service.js';

const USAGE = `Usage:
  tessera tenants list
  tessera tenants create --name <friendly name> --domain <host[:port]> [--alias <host[:port]>]...
  tessera tenants delete <tenant id>

Runs against the database in DATABASE_URL (same configuration as the server), without a token.`;

async function main(argv: string[]): Promise<number> {
  const [noun, verb, ...rest] = argv;
  if (noun !== 'tenants' || !verb) {
    process.stderr.write(`${USAGE}\n`);
    return 2;
  }
  const { values, positionals } = parseArgs({
    args: rest,
    allowPositionals: true,
    options: { name: { type: 'string' }, domain: { type: 'string' }, alias: { type: 'string', multiple: true } },
  });
  const config = loadConfig(process.env);
  const app = await NestFactory.createApplicationContext(AppModule.forRoot(config), { logger: ['error'] });
  try {
    const admin = app.get(TenantsAdminService);
    const caller = { id: DEFAULT_TENANT_ID, issuer: config.issuer };
    switch (verb) {
      case 'list':
        process.stdout.write(`${JSON.stringify(await admin.list(caller), null, 2)}\n`);
        return 0;
      case 'create': {
        if (!values.name || !values.domain) {
          process.stderr.write(`--name and --domain are required\n${USAGE}\n`);
          return 2;
        }
        const made = await app.get(TenantProvisioningService).create({
          friendlyName: values.name,
          domain: values.domain.toLowerCase(),
          aliases: (values.alias ?? []).map((a) => a.toLowerCase()),
        });
        process.stdout.write(
          `${JSON.stringify(
            {
              id: made.tenant.id,
              domain: made.tenant.domain,
              issuer: made.issuer,
              admin_client: { client_id: made.adminClientId, client_secret: made.adminClientSecret },
            },
            null,
            2,
          )}\n`,
        );
        return 0;
      }
      case 'delete':
        if (positionals.length !== 1) {
          process.stderr.write(`${USAGE}\n`);
          return 2;
        }
        await admin.delete(caller, positionals[0]);
        process.stdout.write(`deleted ${positionals[0]}\n`);
        return 0;
      default:
        process.stderr.write(`${USAGE}\n`);
        return 2;
    }
  } finally {
    await app.close();
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (e: unknown) => {
    if (e instanceof ConfigError || e instanceof ManagementError) {
      process.stderr.write(`${e.message}\n`);
      process.exit(1);
    }
    process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exit(1);
  },
);
