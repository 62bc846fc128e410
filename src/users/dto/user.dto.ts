import { IsBoolean, IsDefined, IsEmail, IsObject, IsString, Matches, MaxLength, MinLength, ValidateIf } from 'class-validator';
import { IsOptionalButNotNull } from '../../common/validation.js';

const httpUrl = /^https?:\/\/[^\s]+$/;

/** Fields Auth0 accepts but Tessera's database connection cannot hold; refused with a clear 400. */
class UnsupportedUserFieldsDto {
  @IsOptionalButNotNull()
  @IsString()
  phone_number?: string;

  @IsOptionalButNotNull()
  @IsBoolean()
  phone_verified?: boolean;

  @ValidateIf((_o, v) => v !== undefined && v !== null)
  @IsString()
  username?: string | null;
}

/** POST /api/v2/users (Auth0's CreateUserRequestContent). */
export class CreateUserDto extends UnsupportedUserFieldsDto {
  @IsDefined({ message: 'Missing required property: connection' })
  @IsString()
  @MinLength(1)
  @MaxLength(128)
  connection: string;

  @IsOptionalButNotNull()
  @IsEmail({}, { message: 'email must be an email address' })
  @MaxLength(320)
  email?: string;

  @IsOptionalButNotNull()
  @IsString()
  password?: string;

  @IsOptionalButNotNull()
  @IsBoolean()
  email_verified?: boolean;

  @IsOptionalButNotNull()
  @IsBoolean()
  verify_email?: boolean;

  @IsOptionalButNotNull()
  @IsString()
  @MinLength(1)
  @MaxLength(300)
  name?: string;

  @IsOptionalButNotNull()
  @IsString()
  @MinLength(1)
  @MaxLength(300)
  nickname?: string;

  @IsOptionalButNotNull()
  @IsString()
  @MinLength(1)
  @MaxLength(150)
  given_name?: string;

  @IsOptionalButNotNull()
  @IsString()
  @MinLength(1)
  @MaxLength(150)
  family_name?: string;

  @IsOptionalButNotNull()
  @IsString()
  @MaxLength(2048)
  @Matches(httpUrl, { message: 'picture must be an http or https URL' })
  picture?: string;

  @IsOptionalButNotNull()
  @IsBoolean()
  blocked?: boolean;

  @IsOptionalButNotNull()
  @IsObject()
  user_metadata?: Record<string, unknown>;

  @IsOptionalButNotNull()
  @IsObject()
  app_metadata?: Record<string, unknown>;

  /** The id part after `auth0|`; generated when absent. */
  @IsOptionalButNotNull()
  @IsString()
  @Matches(/^[A-Za-z0-9_.@+-]{1,200}$/, { message: 'user_id may hold only letters, digits and _.@+- (1 to 200 characters)' })
  user_id?: string;
}

/** PATCH /api/v2/users/{id} (Auth0's UpdateUserRequestContent). `null` clears a profile field. */
export class UpdateUserDto extends UnsupportedUserFieldsDto {
  @IsOptionalButNotNull()
  @IsString()
  connection?: string;

  @IsOptionalButNotNull()
  @IsString()
  client_id?: string;

  @IsOptionalButNotNull()
  @IsEmail({}, { message: 'email must be an email address' })
  @MaxLength(320)
  email?: string;

  @IsOptionalButNotNull()
  @IsString()
  password?: string;

  @IsOptionalButNotNull()
  @IsBoolean()
  email_verified?: boolean;

  @IsOptionalButNotNull()
  @IsBoolean()
  verify_email?: boolean;

  @IsOptionalButNotNull()
  @IsBoolean()
  verify_phone_number?: boolean;

  @ValidateIf((_o, v) => v !== undefined && v !== null)
  @IsString()
  @MinLength(1)
  @MaxLength(300)
  name?: string | null;

  @ValidateIf((_o, v) => v !== undefined && v !== null)
  @IsString()
  @MinLength(1)
  @MaxLength(300)
  nickname?: string | null;

  @ValidateIf((_o, v) => v !== undefined && v !== null)
  @IsString()
  @MinLength(1)
  @MaxLength(150)
  given_name?: string | null;

  @ValidateIf((_o, v) => v !== undefined && v !== null)
  @IsString()
  @MinLength(1)
  @MaxLength(150)
  family_name?: string | null;

  @ValidateIf((_o, v) => v !== undefined && v !== null)
  @IsString()
  @MaxLength(2048)
  @Matches(httpUrl, { message: 'picture must be an http or https URL' })
  picture?: string | null;

  @IsOptionalButNotNull()
  @IsBoolean()
  blocked?: boolean;

  @IsOptionalButNotNull()
  @IsObject()
  user_metadata?: Record<string, unknown>;

  @IsOptionalButNotNull()
  @IsObject()
  app_metadata?: Record<string, unknown>;
}

export interface UserIdentityResponse {
  connection: string;
  user_id: string;
  provider: string;
  isSocial: boolean;
}

/** Auth0's user body (GetUserResponseContent); password hashes never appear. */
export interface UserResponse {
  user_id: string;
  email: string;
  email_verified: boolean;
  username?: string;
  name: string;
  nickname: string;
  given_name?: string;
  family_name?: string;
  picture: string;
  identities: UserIdentityResponse[];
  user_metadata: Record<string, unknown>;
  app_metadata: Record<string, unknown>;
  blocked: boolean;
  created_at: string;
  updated_at: string;
  last_login?: string;
  last_ip?: string;
  last_password_reset?: string;
  logins_count?: number;
}
