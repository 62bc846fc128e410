import { Injectable } from '@nestjs/common';
import { DbService } from '../database/db.service.js';
import { ManagementError } from '../errors/api-error.js';
import type { SigningKeyEntity } from '../keys/signing-key.entity.js';
import { SigningKeysService } from '../keys/signing-keys.service.js';
import type { TenantContext } from '../tenants/tenant-context.js';
import type { SigningKeyRefResponse, SigningKeyResponse } from './dto/signing-key.dto.js';
import { toSigningKeyResponse } from './signing-key.mapper.js';

const notFound = () => ManagementError.notFound('The signing key does not exist', 'inexistent_key');

/** The Management API's view of the tenant's signing keys: list, get, rotate and revoke. */
@Injectable()
export class SigningKeysAdminService {
  constructor(
    private readonly keys: SigningKeysService,
    private readonly db: DbService,
  ) {}

  async list(tenant: TenantContext): Promise<SigningKeyResponse[]> {
    const rows = await this.keys.listEntities(tenant.id);
    return rows.map((r) => this.toResponse(tenant, r));
  }

  async get(tenant: TenantContext, kid: string): Promise<SigningKeyResponse> {
    const row = await this.keys.findEntity(tenant.id, kid);
    if (!row) {
      throw notFound();
    }
    return this.toResponse(tenant, row);
  }

  /** Promotes `next` to `current` and publishes a fresh `next`; answers the key that now signs. */
  async rotate(tenant: TenantContext): Promise<SigningKeyRefResponse> {
    const freshNext = await this.keys.prepareNextKey(tenant.id);
    try {
      const current = await this.db.write((em) => this.keys.rotateIn(em, tenant.id, freshNext));
      return this.toRef(tenant, current);
    } finally {
      await this.keys.reloadTenant(tenant.id);
    }
  }

  /** Revokes a non-current key: it leaves the JWKS and tokens signed with it stop being accepted. */
  async revoke(tenant: TenantContext, kid: string): Promise<SigningKeyRefResponse> {
    const existing = await this.keys.findEntity(tenant.id, kid);
    if (!existing) {
      throw notFound();
    }
    // Only revoking the pre-published `next` key needs a replacement; generate it outside the write queue.
    const spareNext = existing.status === 'next' ? await this.keys.prepareNextKey(tenant.id) : undefined;
    try {
      const result = await this.db.write((em) => this.keys.revokeIn(em, tenant.id, kid, spareNext));
      if (result === undefined) {
        throw notFound();
      }
      if (result === 'current') {
        throw ManagementError.badRequest(
          'The current signing key cannot be revoked: rotate the signing key first, then revoke the previous one.',
          'operation_not_supported',
        );
      }
      return this.toRef(tenant, result);
    } finally {
      await this.keys.reloadTenant(tenant.id);
    }
  }

  private toResponse(tenant: TenantContext, row: SigningKeyEntity): SigningKeyResponse {
    return toSigningKeyResponse(row, this.keys.certificateOf(row, commonName(tenant)));
  }

  private toRef(tenant: TenantContext, row: SigningKeyEntity): SigningKeyRefResponse {
    return { cert: this.keys.certificateOf(row, commonName(tenant)).cert, kid: row.kid };
  }
}

/** Auth0 names a tenant's signing certificates after the tenant's domain. */
function commonName(tenant: TenantContext): string {
  return new URL(tenant.issuer).hostname;
}
