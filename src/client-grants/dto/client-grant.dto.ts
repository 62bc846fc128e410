import { ReadOnlyEcho } from '../../common/read-only-fields.js';
import { ArrayMaxSize, ArrayUnique, IsArray, IsDefined, IsString, Matches, MaxLength, MinLength } from 'class-validator';
import { IsOptionalButNotNull } from '../../common/validation.js';

const SCOPE_VALUE = /^[^\s]+$/;

export class CreateClientGrantDto {
  /** Returned by GET, set by the server: accepted back unchanged (dropReadOnlyEchoes). */
  @ReadOnlyEcho()
  id?: unknown;

  @ReadOnlyEcho()
  is_system?: unknown;

  @IsDefined()
  @IsString()
  @MinLength(1)
  @MaxLength(128)
  client_id: string;

  @IsDefined()
  @IsString()
  @MinLength(1)
  @MaxLength(600)
  audience: string;

  @IsOptionalButNotNull()
  @IsArray()
  @ArrayMaxSize(1000)
  @ArrayUnique()
  @IsString({ each: true })
  @MinLength(1, { each: true })
  @MaxLength(280, { each: true })
  @Matches(SCOPE_VALUE, { each: true, message: 'each value in scope must not contain white space' })
  scope?: string[];
}

export class UpdateClientGrantDto {
  /** Returned by GET, fixed once created: accepted back unchanged (dropReadOnlyEchoes). */
  @ReadOnlyEcho()
  id?: unknown;

  @ReadOnlyEcho()
  client_id?: unknown;

  @ReadOnlyEcho()
  audience?: unknown;

  @ReadOnlyEcho()
  is_system?: unknown;

  @IsOptionalButNotNull()
  @IsArray()
  @ArrayMaxSize(1000)
  @ArrayUnique()
  @IsString({ each: true })
  @MinLength(1, { each: true })
  @MaxLength(280, { each: true })
  @Matches(SCOPE_VALUE, { each: true, message: 'each value in scope must not contain white space' })
  scope?: string[];
}

export interface ClientGrantResponse {
  id: string;
  client_id: string;
  audience: string;
  scope: string[];
  /** Only on the bootstrap admin client's Management API grant, which cannot be changed or deleted. */
  is_system?: true;
}
