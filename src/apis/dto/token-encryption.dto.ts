import { Type } from 'class-transformer';
import { IsDefined, IsIn, IsObject, IsString, MaxLength, MinLength, ValidateNested } from 'class-validator';
import { IsOptionalButNotNull } from '../../common/validation.js';

export class TokenEncryptionKeyDto {
  @IsDefined()
  @IsString()
  @MinLength(1)
  @MaxLength(255)
  name: string;

  @IsDefined()
  @IsIn(['RSA-OAEP-256'])
  alg: 'RSA-OAEP-256';

  @IsOptionalButNotNull()
  @IsString()
  @MinLength(1)
  @MaxLength(255)
  kid?: string;

  @IsDefined()
  @IsString()
  @MinLength(1)
  @MaxLength(16384)
  pem: string;
}

/** Auth0's `token_encryption` shape; only the compact nested JWE format exists. */
export class TokenEncryptionDto {
  @IsDefined()
  @IsIn(['compact-nested-jwe'])
  format: 'compact-nested-jwe';

  @IsDefined()
  @IsObject()
  @ValidateNested()
  @Type(() => TokenEncryptionKeyDto)
  encryption_key: TokenEncryptionKeyDto;
}

/** Tessera's own extension: opaque reference tokens, checked by introspection. */
export const ACCESS_TOKEN_FORMATS = ['jwt', 'opaque'] as const;
