#!/usr/bin/env node
import 'reflect-metadata';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { NestFactory } from '@nestjs/core';
import { AppModule } from './app.module.js';
import { backupSqlite, BackupError, restoreSqlite } from './backup/sqlite-backup.js';
import { ConfigError, loadConfig } from './config/app-config.js';
import { ManagementError } from './errors/api-error.js';
import { TenantProvisioningService } from './tenant-admin/tenant-provisioning.service.js';
import { TenantsAdminService } from './tenant-admin/tenants-admin.service.js';
import { DEFAULT_TENANT_ID } from './tenants/tenants.service.js';

const USAGE = `Usage:
  tessera backup <file>
  tessera restore <file>
  tessera tenants list
  tessera tenants create --name <friendly name> --domain <host[:port]> [--alias <host[:port]>]...
  tessera tenants delete <tenant id>

Runs against the database in DATABASE_URL (same configuration as the server), without a token.
backup copies a live SQLite database consistently; restore puts a backup back while no server runs.
Keep the encryption key (ENCRYPTION_KEY or its key file) with every backup: sealed secrets need it.
For PostgreSQL use pg_dump and pg_restore (README, "Operating it").`;

async function main(argv: string[]): Promise<number> {
  const [noun, verb, ...rest] = argv;
  if (noun === 'backup' || noun === 'restore') {
    return backupOrRestore(noun, verb, rest);
  }
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

async function backupOrRestore(command: 'backup' | 'restore', file: string | undefined, rest: string[]): Promise<number> {
  if (!file || rest.length > 0) {
    process.stderr.write(`${USAGE}\n`);
    return 2;
  }
  const config = loadConfig(process.env);
  if (config.database.type !== 'sqlite') {
    process.stderr.write(`tessera ${command} works on SQLite; for PostgreSQL use pg_dump / pg_restore (see the README, "Operating it")\n`);
    return 2;
  }
  const keyNote = config.encryptionKey ? 'the ENCRYPTION_KEY this server runs with' : `the encryption key file ${config.encryptionKeyFile}`;
  if (command === 'backup') {
    const { bytes } = await backupSqlite(config.database.path, resolve(file));
    process.stdout.write(
      `Backed up ${config.database.path} to ${resolve(file)} (${bytes} bytes).\nKeep ${keyNote} with it: without the key, sealed secrets (signing keys, client secrets) cannot be read.\n`,
    );
  } else {
    await restoreSqlite(resolve(file), config.database.path);
    process.stdout.write(
      `Restored ${resolve(file)} to ${config.database.path}.\nStart the server with ${keyNote} as it was when the backup was made.\n`,
    );
  }
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (e: unknown) => {
    if (e instanceof ConfigError || e instanceof ManagementError || e instanceof BackupError) {
      process.stderr.write(`${e.message}\n`);
      process.exit(1);
    }
    process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exit(1);
  },
);
