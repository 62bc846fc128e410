import { Injectable, type OnModuleInit } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository, type EntityManager } from 'typeorm';
import { ApisService } from '../apis/apis.service.js';
import { SecretsService } from '../keys/secrets.service.js';
import { ClientGrantEntity } from './client-grant.entity.js';

@Injectable()
export class ClientGrantsService implements OnModuleInit {
  /** `${tenant}\0${client}\0${audience}` -> granted scopes, or null for "no grant". */
  private readonly cache = new Map<string, string[] | null>();

  constructor(
    @InjectRepository(ClientGrantEntity) private readonly repo: Repository<ClientGrantEntity>,
    private readonly apis: ApisService,
    private readonly secrets: SecretsService,
  ) {}

  onModuleInit(): void {
    // Auth0 deletes an API's grants with the API; so do we, in the same transaction.
    this.apis.onDelete(async (em, tenantId, identifier) => {
      await em.delete(ClientGrantEntity, { tenantId, audience: identifier });
      this.cache.clear();
    });
  }

  /** Hot path: the scopes `clientId` holds on `audience`, or undefined when it holds no grant. */
  async findForToken(tenantId: string, clientId: string, audience: string): Promise<string[] | undefined> {
    const key = `${tenantId}\u0000${clientId}\u0000${audience}`;
    const hit = this.cache.get(key);
    if (hit !== undefined) {
      return hit ?? undefined;
    }
    const row = await this.repo.findOne({ where: { tenantId, clientId, audience } });
    if (row || this.cache.size < 200000) {
      this.cache.set(key, row ? row.scope : null);
    }
    return row?.scope;
  }

  async createIn(em: EntityManager, tenantId: string, clientId: string, audience: string, scope: string[]): Promise<ClientGrantEntity> {
    const now = new Date().toISOString();
    const e = new ClientGrantEntity();
    Object.assign(e, { id: `cgr_${this.secrets.newClientId().slice(0, 16)}`, tenantId, clientId, audience, scope, createdAt: now, updatedAt: now });
    await em.insert(ClientGrantEntity, e);
    this.cache.clear();
    return e;
  }

  invalidate(): void {
    this.cache.clear();
  }
}
