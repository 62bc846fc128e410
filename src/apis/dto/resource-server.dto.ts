import { Type } from 'class-transformer';
import {
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateNested,
  IsDefined,
  ArrayMaxSize,
} from 'class-validator';
import { IsOptionalButNotNull } from '../../common/validation.js';

export const SIGNING_ALGS = ['HS256', 'RS256', 'PS256'] as const;
export const TOKEN_DIALECTS = ['access_token', 'access_token_authz', 'rfc9068_profile', 'rfc9068_profile_authz'] as const;
/** Auth0's bounds for access token lifetimes, in seconds (30 days). */
export const MAX_TOKEN_LIFETIME = 2592000;

export class ResourceServerScopeDto {
  @IsDefined()
  @IsString()
  @MinLength(1)
  @MaxLength(280)
  @Matches(/^[^\s]+$/, { message: 'value must not contain white space' })
  value: string;

  @IsOptionalButNotNull()
  @IsString()
  @MaxLength(500)
  description?: string;
}

class ResourceServerFieldsDto {
  @IsOptionalButNotNull()
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  @Matches(/^[^<>]+$/, { message: 'name must not contain < or >' })
  name?: string;

  @IsOptionalButNotNull()
  @IsArray()
  @ArrayMaxSize(1000)
  @ValidateNested({ each: true })
  @Type(() => ResourceServerScopeDto)
  scopes?: ResourceServerScopeDto[];

  @IsOptionalButNotNull()
  @IsIn(SIGNING_ALGS)
  signing_alg?: (typeof SIGNING_ALGS)[number];

  @IsOptionalButNotNull()
  @IsString()
  @MinLength(16)
  @MaxLength(1024)
  signing_secret?: string;

  @IsOptionalButNotNull()
  @IsBoolean()
  allow_offline_access?: boolean;

  @IsOptionalButNotNull()
  @IsInt()
  @Min(1)
  @Max(MAX_TOKEN_LIFETIME)
  token_lifetime?: number;

  @IsOptionalButNotNull()
  @IsInt()
  @Min(1)
  @Max(MAX_TOKEN_LIFETIME)
  token_lifetime_for_web?: number;

  @IsOptionalButNotNull()
  @IsBoolean()
  skip_consent_for_verifiable_first_party_clients?: boolean;

  @IsOptionalButNotNull()
  @IsIn(TOKEN_DIALECTS)
  token_dialect?: (typeof TOKEN_DIALECTS)[number];

  @IsOptionalButNotNull()
  @IsBoolean()
  enforce_policies?: boolean;
}

export class CreateResourceServerDto extends ResourceServerFieldsDto {
  @IsDefined()
  @IsString()
  @MinLength(1)
  @MaxLength(600)
  @Matches(/^[^\s<>"{}|\\^`]+$/, { message: 'identifier must be a URI-like string without spaces or <>"{}|\\^` characters' })
  identifier: string;
}

export class UpdateResourceServerDto extends ResourceServerFieldsDto {}

export interface ResourceServerResponse {
  id: string;
  name: string;
  identifier: string;
  is_system: boolean;
  scopes: { value: string; description?: string }[];
  signing_alg: string;
  signing_secret?: string;
  allow_offline_access: boolean;
  skip_consent_for_verifiable_first_party_clients: boolean;
  token_lifetime: number;
  token_lifetime_for_web: number;
  token_dialect: string;
  enforce_policies: boolean;
  token_encryption?: unknown;
  access_token_format?: string;
}
