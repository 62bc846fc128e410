import { Injectable } from '@nestjs/common';
import { ApisService, audienceApi } from '../apis/apis.service.js';
import { assertMinProperties } from '../common/validation.js';
import { DbService } from '../database/db.service.js';
import { ManagementError, RuleViolation } from '../errors/api-error.js';
import { projectFields, type FieldsQuery } from '../management/list-query.js';
import { assertCanBeDefaultAudience } from '../rules/audience-rules.js';
import type { TenantEntity } from '../tenants/tenant.entity.js';
import type { TenantContext } from '../tenants/tenant-context.js';
import { TenantsService } from '../tenants/tenants.service.js';
import type { TenantSettingsResponse, UpdateTenantSettingsDto } from './dto/tenant-settings.dto.js';

/** GET/PATCH `/api/v2/tenants/settings`, with the Default Audience checked against the API it names. */
@Injectable()
export class TenantSettingsService {
  constructor(
    private readonly tenants: TenantsService,
    private readonly apis: ApisService,
    private readonly db: DbService,
  ) {}

  async get(tenant: TenantContext, q: FieldsQuery): Promise<Partial<TenantSettingsResponse>> {
    return projectFields(toSettingsResponse(await this.tenants.get(tenant.id)), q);
  }

  /**
   * Applies a patch in one write transaction: the API named by `default_audience` is read in the same
   * transaction as the save, so a concurrent switch of that API to HS256 cannot slip between the two.
   */
  async update(tenant: TenantContext, dto: UpdateTenantSettingsDto): Promise<TenantSettingsResponse> {
    assertMinProperties(dto, 1);
    dto.session_lifetime = inHours(dto.session_lifetime, dto.session_lifetime_in_minutes, 'session_lifetime');
    dto.idle_session_lifetime = inHours(dto.idle_session_lifetime, dto.idle_session_lifetime_in_minutes, 'idle_session_lifetime');
    try {
      const saved = await this.db.write(async (em) => {
        const t = await this.tenants.findForUpdate(em, tenant.id);
        if (dto.default_audience !== undefined && dto.default_audience !== '') {
          const api = await this.apis.findByIdentifierIn(em, tenant.id, dto.default_audience);
          if (!api) {
            throw ManagementError.badRequest(
              `default_audience "${dto.default_audience}" does not name an API of this tenant; create the API first or send "" to clear it.`,
            );
          }
          assertCanBeDefaultAudience(audienceApi(api));
        }
        applySettings(t, dto);
        t.updatedAt = new Date().toISOString();
        await this.tenants.saveIn(em, t);
        return t;
      });
      return toSettingsResponse(saved);
    } finally {
      // The cached row may have been read before this write: always re-read after a write attempt.
      this.tenants.invalidate(tenant.id);
    }
  }
}

/** A lifetime given in hours or, Auth0's other spelling, in minutes: as whole hours. */
function inHours(hours: number | undefined, minutes: number | undefined, field: string): number | undefined {
  if (minutes === undefined) {
    return hours;
  }
  if (hours !== undefined) {
    throw RuleViolation.payload(`${field} and ${field}_in_minutes cannot be given together`);
  }
  if (minutes % 60 !== 0) {
    throw RuleViolation.payload(
      `${field}_in_minutes must be a whole number of hours (a multiple of 60): Tessera keeps session lifetimes in hours`,
    );
  }
  return minutes / 60;
}

function applySettings(t: TenantEntity, dto: UpdateTenantSettingsDto): void {
  if (dto.default_audience !== undefined) {
    t.defaultAudience = dto.default_audience;
  }
  if (dto.friendly_name !== undefined) {
    t.friendlyName = dto.friendly_name;
  }
  if (dto.picture_url !== undefined) {
    t.pictureUrl = dto.picture_url;
  }
  if (dto.support_email !== undefined) {
    t.supportEmail = dto.support_email;
  }
  if (dto.support_url !== undefined) {
    t.supportUrl = dto.support_url;
  }
  if (dto.default_directory !== undefined) {
    t.defaultDirectory = dto.default_directory;
  }
  if (dto.session_lifetime !== undefined) {
    t.sessionLifetime = dto.session_lifetime;
  }
  if (dto.idle_session_lifetime !== undefined) {
    t.idleSessionLifetime = dto.idle_session_lifetime;
  }
  if (dto.allowed_logout_urls !== undefined) {
    t.allowedLogoutUrls = [...dto.allowed_logout_urls];
  }
  if (dto.enabled_locales !== undefined) {
    t.enabledLocales = [...new Set(dto.enabled_locales)];
  }
  if (dto.flags?.actions_fetch !== undefined) {
    t.flags = { ...t.flags, actions_fetch: dto.flags.actions_fetch };
  }
}

function toSettingsResponse(t: TenantEntity): TenantSettingsResponse {
  return {
    friendly_name: t.friendlyName,
    picture_url: t.pictureUrl,
    support_email: t.supportEmail,
    support_url: t.supportUrl,
    default_audience: t.defaultAudience,
    default_directory: t.defaultDirectory,
    session_lifetime: t.sessionLifetime,
    idle_session_lifetime: t.idleSessionLifetime,
    allowed_logout_urls: [...t.allowedLogoutUrls],
    enabled_locales: [...t.enabledLocales],
    flags: { actions_fetch: t.flags?.actions_fetch === true },
  };
}
