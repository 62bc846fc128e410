import { Injectable, type OnModuleInit } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { DbService } from '../database/db.service.js';
import { SecretsService } from '../keys/secrets.service.js';
import { UsersService } from '../users/users.service.js';
import { ConsentEntity } from './consent.entity.js';

/** Consent a user gave to a third-party client, remembered so the page is not shown every time. */
@Injectable()
export class ConsentsService implements OnModuleInit {
  constructor(
    @InjectRepository(ConsentEntity) private readonly repo: Repository<ConsentEntity>,
    private readonly db: DbService,
    private readonly secrets: SecretsService,
    private readonly users: UsersService,
  ) {}

  onModuleInit(): void {
    this.users.onDelete(async (em, tenantId, userId) => {
      await em.delete(ConsentEntity, { tenantId, userId });
    });
  }

  async covers(
    tenantId: string,
    userId: string,
    clientId: string,
    audience: string | undefined,
    scopes: readonly string[],
  ): Promise<boolean> {
    const row = await this.repo.findOne({ where: { tenantId, userId, clientId, audience: audience ?? '' } });
    return row !== null && scopes.every((s) => row.scopes.includes(s));
  }

  async grant(tenantId: string, userId: string, clientId: string, audience: string | undefined, scopes: readonly string[]): Promise<void> {
    const now = new Date().toISOString();
    await this.db.write(async (em) => {
      const row = await em.findOne(ConsentEntity, { where: { tenantId, userId, clientId, audience: audience ?? '' } });
      if (row) {
        row.scopes = [...new Set([...row.scopes, ...scopes])];
        row.updatedAt = now;
        await em.save(ConsentEntity, row, { transaction: false, reload: false });
        return;
      }
      await em.insert(
        ConsentEntity,
        Object.assign(new ConsentEntity(), {
          id: this.secrets.newId(),
          tenantId,
          userId,
          clientId,
          audience: audience ?? '',
          scopes: [...scopes],
          createdAt: now,
          updatedAt: now,
        }),
      );
    });
  }
}
