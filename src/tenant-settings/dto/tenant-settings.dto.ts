import {
  ArrayMaxSize,
  IsArray,
  IsEmail,
  IsNumber,
  IsString,
  IsUrl,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateIf,
} from 'class-validator';
import { IsOptionalButNotNull } from '../../common/validation.js';

const httpUrl = { protocols: ['http', 'https'], require_protocol: true, require_tld: false };

export class UpdateTenantSettingsDto {
  @IsOptionalButNotNull()
  @IsString()
  @MaxLength(255)
  @Matches(/^[^<>]*$/, { message: 'friendly_name must not contain < or >' })
  friendly_name?: string;

  @IsOptionalButNotNull()
  @IsString()
  @ValidateIf((_o, v) => v !== '')
  @IsUrl(httpUrl)
  @MaxLength(2048)
  picture_url?: string;

  @IsOptionalButNotNull()
  @IsString()
  @ValidateIf((_o, v) => v !== '')
  @IsEmail()
  @MaxLength(255)
  support_email?: string;

  @IsOptionalButNotNull()
  @IsString()
  @ValidateIf((_o, v) => v !== '')
  @IsUrl(httpUrl)
  @MaxLength(2048)
  support_url?: string;

  /** An API identifier, or "" to clear the Default Audience. */
  @IsOptionalButNotNull()
  @IsString()
  @MaxLength(600)
  default_audience?: string;

  /** A database connection name, or "" for none. */
  @IsOptionalButNotNull()
  @IsString()
  @MaxLength(128)
  @Matches(/^([A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)?$/, { message: 'default_directory must be a connection name' })
  default_directory?: string;

  /** Hours. */
  @IsOptionalButNotNull()
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(1)
  @Max(8760)
  session_lifetime?: number;

  /** Hours. */
  @IsOptionalButNotNull()
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(1)
  @Max(8760)
  idle_session_lifetime?: number;

  @IsOptionalButNotNull()
  @IsArray()
  @ArrayMaxSize(100)
  @IsUrl({ ...httpUrl, require_tld: false }, { each: true })
  allowed_logout_urls?: string[];

  @IsOptionalButNotNull()
  @IsArray()
  @ArrayMaxSize(100)
  @Matches(/^[a-z]{2}(-[A-Za-z]{2,4})?$/, { each: true, message: 'enabled_locales must hold locale codes' })
  enabled_locales?: string[];
}

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
}
