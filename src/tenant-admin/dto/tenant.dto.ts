import { ArrayMaxSize, IsArray, IsDefined, IsString, Matches, MaxLength, MinLength } from 'class-validator';
import { IsOptionalButNotNull } from '../../common/validation.js';

/** host or host:port, lower case, as it appears in a Host header. */
const DOMAIN = /^(?=.{1,255}$)[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*(:\d{1,5})?$/;
const DOMAIN_MESSAGE = 'must be a lower-case host name, optionally with :port';

export class CreateTenantDto {
  @IsDefined()
  @IsString()
  @MinLength(1)
  @MaxLength(255)
  @Matches(/^[^<>]+$/, { message: 'friendly_name must not contain < or >' })
  friendly_name: string;

  @IsDefined()
  @IsString()
  @Matches(DOMAIN, { message: `domain ${DOMAIN_MESSAGE}` })
  domain: string;

  @IsOptionalButNotNull()
  @IsArray()
  @ArrayMaxSize(20)
  @Matches(DOMAIN, { each: true, message: `aliases ${DOMAIN_MESSAGE}` })
  aliases?: string[];
}

export class UpdateTenantDto {
  @IsOptionalButNotNull()
  @IsString()
  @MinLength(1)
  @MaxLength(255)
  @Matches(/^[^<>]+$/, { message: 'friendly_name must not contain < or >' })
  friendly_name?: string;

  @IsOptionalButNotNull()
  @IsArray()
  @ArrayMaxSize(20)
  @Matches(DOMAIN, { each: true, message: `aliases ${DOMAIN_MESSAGE}` })
  aliases?: string[];
}

export interface TenantResponse {
  id: string;
  friendly_name: string;
  domain: string;
  aliases: string[];
  issuer: string;
  created_at: string;
  /** Only in the response to creation: the new tenant's admin client, shown once. */
  admin_client?: { client_id: string; client_secret: string };
}
