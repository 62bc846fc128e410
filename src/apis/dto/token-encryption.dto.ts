import { EnumProperty, StringProperty } from '../../common/validation.js';
import { Type } from 'class-transformer';
import { IsObject, ValidateNested } from 'class-validator';
import { jsonType } from '../../common/validation.js';

export class TokenEncryptionKeyDto {
  @StringProperty({ required: true, minLength: 1, maxLength: 255 })
  name: string;

  @EnumProperty(['RSA-OAEP-256'], { required: true })
  alg: 'RSA-OAEP-256';

  @StringProperty({ minLength: 1, maxLength: 255 })
  kid?: string;

  @StringProperty({ required: true, minLength: 1, maxLength: 16384 })
  pem: string;
}

/** Auth0's `token_encryption` shape; only the compact nested JWE format exists. */
export class TokenEncryptionDto {
  @EnumProperty(['compact-nested-jwe'], { required: true })
  format: 'compact-nested-jwe';

  @IsObject({ message: (a) => `Expected type object but found type ${jsonType(a.value)}` })
  @ValidateNested()
  @Type(() => TokenEncryptionKeyDto)
  encryption_key: TokenEncryptionKeyDto;
}

/** Tessera's own extension: opaque reference tokens, checked by introspection. */
export const ACCESS_TOKEN_FORMATS = ['jwt', 'opaque'] as const;
export type AccessTokenFormat = (typeof ACCESS_TOKEN_FORMATS)[number];
