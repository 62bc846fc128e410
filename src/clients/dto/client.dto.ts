import { ReadOnlyEcho } from '../../common/read-only-fields.js';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayUnique,
  IsArray,
  IsBoolean,
  IsDefined,
  IsIn,
  IsInt,
  IsObject,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateBy,
  ValidateNested,
  type ValidationOptions,
} from 'class-validator';
import { IsOptionalButNotNull } from '../../common/validation.js';
import { APP_TYPES, CLIENT_GRANT_TYPES, CLIENT_JWT_ALGS, TOKEN_ENDPOINT_AUTH_METHODS } from '../client-defaults.js';
import type { AppType, JwtConfiguration, TokenEndpointAuthMethod } from '../client.entity.js';
import { clientUrlProblem, type ClientUrlKind } from '../client-urls.js';

/** Auth0 caps ID token lifetimes at 30 days. */
export const MAX_ID_TOKEN_LIFETIME = 2592000;
const MAX_URLS = 200;

/** Every element is a valid URL of `kind`; the message names the first bad one and why. */
function IsClientUrls(kind: ClientUrlKind, options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: `is_${kind}_urls`,
      validator: {
        validate: (value: unknown) => Array.isArray(value) && value.every((v) => clientUrlProblem(v, kind) === undefined),
        defaultMessage: (args) => {
          const list = Array.isArray(args?.value) ? (args.value as unknown[]) : [];
          const index = list.findIndex((v) => clientUrlProblem(v, kind) !== undefined);
          const bad = list[index];
          const shown = typeof bad === 'string' ? bad.slice(0, 200) : String(bad);
          return `Object didn't pass validation for format ${kind === 'origin' ? 'url-origin' : 'absolute-uri'}: ${shown} (${args?.property}[${index}] ${clientUrlProblem(bad, kind)})`;
        },
      },
    },
    options,
  );
}

export class JwtConfigurationDto {
  @IsOptionalButNotNull()
  @IsIn(CLIENT_JWT_ALGS)
  alg?: JwtConfiguration['alg'];

  @IsOptionalButNotNull()
  @IsInt()
  @Min(1)
  @Max(MAX_ID_TOKEN_LIFETIME)
  lifetime_in_seconds?: number;

  @IsOptionalButNotNull()
  @IsBoolean()
  secret_encoded?: boolean;
}

class ClientFieldsDto {
  /** Returned by GET, set by the server: accepted back unchanged (dropReadOnlyEchoes). */
  @ReadOnlyEcho()
  client_id?: unknown;

  @ReadOnlyEcho()
  global?: unknown;

  @ReadOnlyEcho()
  created_at?: unknown;

  @ReadOnlyEcho()
  updated_at?: unknown;

  /** Auth0's custom login page: Tessera serves its own, so only "off" is accepted (refuseCustomLoginPage). */
  @IsOptionalButNotNull()
  @IsBoolean()
  custom_login_page_on?: boolean;

  @IsOptionalButNotNull()
  @IsString()
  @MaxLength(1024 * 1024)
  custom_login_page?: string;

  @IsOptionalButNotNull()
  @IsString()
  @MaxLength(140)
  description?: string;

  @IsOptionalButNotNull()
  @IsIn(APP_TYPES)
  app_type?: AppType;

  @IsOptionalButNotNull()
  @IsBoolean()
  is_first_party?: boolean;

  @IsOptionalButNotNull()
  @IsBoolean()
  oidc_conformant?: boolean;

  @IsOptionalButNotNull()
  @IsArray()
  @ArrayMaxSize(MAX_URLS)
  @IsClientUrls('callback')
  callbacks?: string[];

  @IsOptionalButNotNull()
  @IsArray()
  @ArrayMaxSize(MAX_URLS)
  @IsClientUrls('logout')
  allowed_logout_urls?: string[];

  @IsOptionalButNotNull()
  @IsArray()
  @ArrayMaxSize(MAX_URLS)
  @IsClientUrls('origin')
  web_origins?: string[];

  @IsOptionalButNotNull()
  @IsArray()
  @ArrayMaxSize(MAX_URLS)
  @IsClientUrls('origin')
  allowed_origins?: string[];

  @IsOptionalButNotNull()
  @IsArray()
  @ArrayUnique()
  @IsIn(CLIENT_GRANT_TYPES, { each: true })
  grant_types?: string[];

  @IsOptionalButNotNull()
  @IsIn(TOKEN_ENDPOINT_AUTH_METHODS)
  token_endpoint_auth_method?: TokenEndpointAuthMethod;

  @IsOptionalButNotNull()
  @IsObject()
  @ValidateNested()
  @Type(() => JwtConfigurationDto)
  jwt_configuration?: JwtConfigurationDto;

  /** Auth0 accepts a caller-chosen secret; Tessera asks for at least 16 characters (Auth0 is silent). */
  @IsOptionalButNotNull()
  @IsString()
  @MinLength(16)
  @MaxLength(1024)
  client_secret?: string;
}

export class CreateClientDto extends ClientFieldsDto {
  @IsDefined()
  @IsString()
  @MinLength(1)
  @MaxLength(255)
  @Matches(/^[^<>]+$/, { message: 'name must not contain < or >' })
  name: string;
}

export class UpdateClientDto extends ClientFieldsDto {
  @IsOptionalButNotNull()
  @IsString()
  @MinLength(1)
  @MaxLength(255)
  @Matches(/^[^<>]+$/, { message: 'name must not contain < or >' })
  name?: string;
}

export interface ClientResponse {
  client_id: string;
  client_secret?: string;
  name: string;
  description?: string;
  app_type?: AppType;
  global: false;
  is_first_party: boolean;
  oidc_conformant: boolean;
  callbacks: string[];
  allowed_origins: string[];
  web_origins: string[];
  allowed_logout_urls: string[];
  grant_types: string[];
  token_endpoint_auth_method: TokenEndpointAuthMethod;
  jwt_configuration: JwtConfiguration;
  created_at: string;
  updated_at: string;
}
