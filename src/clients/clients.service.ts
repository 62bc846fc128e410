import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository, type EntityManager } from 'typeorm';
import { SecretsService } from '../keys/secrets.service.js';
import { ClientEntity } from './client.entity.js';

/** What the token endpoint needs of a client, secret already opened. Cached per process. */
export interface ClientRecord {
  entity: ClientEntity;
  clientSecret: string;
}

@Injectable()
export class ClientsService {
  private readonly cache = new Map<string, ClientRecord | null>();

  constructor(
    @InjectRepository(ClientEntity) private readonly repo: Repository<ClientEntity>,
    private readonly secrets: SecretsService,
  ) {}

  /** Hot path: one indexed read the first time, memory afterwards. */
  async findForToken(tenantId: string, clientId: string): Promise<ClientRecord | undefined> {
    const key = `${tenantId}\u0000${clientId}`;
    const hit = this.cache.get(key);
    if (hit !== undefined) {
      return hit ?? undefined;
    }
    const row = await this.repo.findOne({ where: { tenantId, clientId } });
    const record = row ? { entity: row, clientSecret: this.openSecret(row) } : null;
    if (record || this.cache.size < 100000) {
      this.cache.set(key, record);
    }
    return record ?? undefined;
  }

  /** The tenant's admin machine-to-machine client, created at bootstrap. */
  async createSystemAdminClient(em: EntityManager, tenantId: string, clientId: string, clientSecret: string): Promise<ClientEntity> {
    const now = new Date().toISOString();
    const e = new ClientEntity();
    Object.assign(e, {
      clientId,
      tenantId,
      name: 'Tessera Admin (Management API)',
      description: 'Machine-to-machine client created at bootstrap, granted every Management API scope.',
      appType: 'non_interactive',
      isFirstParty: true,
      oidcConformant: true,
      callbacks: [],
      allowedLogoutUrls: [],
      webOrigins: [],
      allowedOrigins: [],
      grantTypes: ['client_credentials'],
      tokenEndpointAuthMethod: 'client_secret_post',
      jwtConfiguration: { alg: 'RS256', lifetime_in_seconds: 36000, secret_encoded: false },
      clientSecretSealed: this.sealSecret(clientId, clientSecret),
      isSystem: true,
      createdAt: now,
      updatedAt: now,
    } satisfies Partial<ClientEntity>);
    await em.insert(ClientEntity, e);
    return e;
  }

  async countIn(em: EntityManager, tenantId: string): Promise<number> {
    return em.count(ClientEntity, { where: { tenantId } });
  }

  sealSecret(clientId: string, secret: string): string {
    return this.secrets.seal(secret, `client:${clientId}`);
  }

  openSecret(e: ClientEntity): string {
    return this.secrets.open(e.clientSecretSealed, `client:${e.clientId}`);
  }

  invalidate(tenantId: string, clientId?: string): void {
    if (clientId) {
      this.cache.delete(`${tenantId}\u0000${clientId}`);
    } else {
      this.cache.clear();
    }
  }
}
