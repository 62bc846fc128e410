import { Type } from 'class-transformer';
import { IsEmail, IsIn, IsObject, IsUrl, Matches, ValidateIf, ValidateNested } from 'class-validator';
import {
  ArrayProperty,
  BooleanProperty,
  eachEnum,
  eachFormat,
  format,
  IntegerProperty,
  jsonType,
  StringProperty,
} from '../../common/validation.js';

/** Auth0's bounds for session lifetimes, in hours: 365 days absolute, 100 days idle (enterprise limits). */
export const MAX_SESSION_LIFETIME_HOURS = 8760;
export const MAX_IDLE_SESSION_LIFETIME_HOURS = 2400;

/** Auth0's `TenantSettingsSupportedLocalesEnum`. */
export const SUPPORTED_LOCALES = [
  'am',
  'ar',
  'ar-EG',
  'ar-SA',
  'az',
  'bg',
  'bn',
  'bs',
  'ca-ES',
  'cnr',
  'cs',
  'cy',
  'da',
  'de',
  'el',
  'en',
  'en-CA',
  'es',
  'es-419',
  'es-AR',
  'es-MX',
  'et',
  'eu-ES',
  'fa',
  'fi',
  'fr',
  'fr-CA',
  'fr-FR',
  'gl-ES',
  'gu',
  'he',
  'hi',
  'hr',
  'hu',
  'hy',
  'id',
  'is',
  'it',
  'ja',
  'ka',
  'kk',
  'kn',
  'ko',
  'lt',
  'lv',
  'mk',
  'ml',
  'mn',
  'mr',
  'ms',
  'my',
  'nb',
  'nl',
  'nn',
  'no',
  'pa',
  'pl',
  'pt',
  'pt-BR',
  'pt-PT',
  'ro',
  'ru',
  'sk',
  'sl',
  'so',
  'sq',
  'sr',
  'sv',
  'sw',
  'ta',
  'te',
  'th',
  'tl',
  'tr',
  'uk',
  'ur',
  'vi',
  'zgh',
  'zh-CN',
  'zh-HK',
  'zh-MO',
  'zh-TW',
];

const absoluteUri = { protocols: ['http', 'https'], require_protocol: true, require_tld: false, require_valid_protocol: true };
const LOGOUT_URL = /^https?:\/\/[^\s/?#]+(?:[/?#]\S*)?$/;
const nonEmpty = (_o: object, v: unknown) => v !== '';

/**
 * The tenant flags Tessera knows; Auth0's own flags (`enable_sso`, ...) are refused as unknown properties,
 * since Tessera would only pretend to honour them.
 */
export class TenantFlagsDto {
  /** Tessera's flag: post-login actions may call `fetch` (public addresses only). Off by default. */
  @BooleanProperty()
  actions_fetch?: boolean;
}

/**
 * Auth0's `UpdateTenantSettingsRequestContent` for the settings Tessera keeps (`additionalProperties: false`,
 * `minProperties: 1`). `default_audience: ""` clears the Default Audience.
 */
export class UpdateTenantSettingsDto {
  @StringProperty({ maxLength: 255 })
  friendly_name?: string;

  /** absolute-uri-or-empty */
  @StringProperty({ maxLength: 2048, checks: [ValidateIf(nonEmpty), IsUrl(absoluteUri, format('absolute-uri-or-empty'))] })
  picture_url?: string;

  /** email-or-empty */
  @StringProperty({ maxLength: 255, checks: [ValidateIf(nonEmpty), IsEmail({}, format('email-or-empty'))] })
  support_email?: string;

  /** absolute-uri-or-empty */
  @StringProperty({ maxLength: 2048, checks: [ValidateIf(nonEmpty), IsUrl(absoluteUri, format('absolute-uri-or-empty'))] })
  support_url?: string;

  /** An API identifier, or "" to clear the Default Audience. */
  @StringProperty({ maxLength: 600 })
  default_audience?: string;

  /** A connection name, or "" for none. */
  @StringProperty({ maxLength: 128, pattern: /^([A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)?$/ })
  default_directory?: string;

  /** Hours. */
  @IntegerProperty({ minimum: 1, maximum: MAX_SESSION_LIFETIME_HOURS })
  session_lifetime?: number;

  /** Hours. */
  @IntegerProperty({ minimum: 1, maximum: MAX_IDLE_SESSION_LIFETIME_HOURS })
  idle_session_lifetime?: number;

  /**
   * Auth0's minute-grained spellings of the two lifetimes (what auth0-deploy-cli sends). Tessera keeps
   * whole hours, so they must be multiples of 60 and not given together with the hours field.
   */
  @IntegerProperty({ minimum: 60, maximum: MAX_SESSION_LIFETIME_HOURS * 60 })
  session_lifetime_in_minutes?: number;

  @IntegerProperty({ minimum: 60, maximum: MAX_IDLE_SESSION_LIFETIME_HOURS * 60 })
  idle_session_lifetime_in_minutes?: number;

  /** url-with-placeholders: absolute http(s) URLs, where `*` may stand for a subdomain. */
  @ArrayProperty({
    maxItems: 100,
    eachString: [
      Matches(
        LOGOUT_URL,
        eachFormat('url-with-placeholders', (v) => LOGOUT_URL.test(v)),
      ),
    ],
  })
  allowed_logout_urls?: string[];

  @ArrayProperty({ minItems: 1, eachString: [IsIn(SUPPORTED_LOCALES, eachEnum(SUPPORTED_LOCALES))] })
  enabled_locales?: string[];

  /** Merged into the tenant's flags: a flag the patch does not name keeps its value, as in Auth0. */
  @ValidateIf((_o, v) => v !== undefined)
  @IsObject({ message: (a) => `Expected type object but found type ${jsonType(a.value)}` })
  @ValidateNested()
  @Type(() => TenantFlagsDto)
  flags?: TenantFlagsDto;
}

/** The settings `GET /api/v2/tenants/settings` returns. */
export interface TenantSettingsResponse {
  friendly_name: string;
  picture_url: string;
  support_email: string;
  support_url: string;
  default_audience: string;
  default_directory: string;
  session_lifetime: number;
  idle_session_lifetime: number;
  allowed_logout_urls: string[];
  enabled_locales: string[];
  flags: { actions_fetch: boolean };
}
