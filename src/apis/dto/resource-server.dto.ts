import { Type } from 'class-transformer';
import { IsObject, ValidateIf, ValidateNested } from 'class-validator';
import { ReadOnlyEcho } from '../../common/read-only-fields.js';
import { ArrayProperty, BooleanProperty, EnumProperty, IntegerProperty, jsonType, StringProperty } from '../../common/validation.js';
import { ACCESS_TOKEN_FORMATS, TokenEncryptionDto, type AccessTokenFormat } from './token-encryption.dto.js';

export const SIGNING_ALGS = ['HS256', 'RS256', 'PS256'] as const;
export type SigningAlg = (typeof SIGNING_ALGS)[number];
export const TOKEN_DIALECTS = ['access_token', 'access_token_authz', 'rfc9068_profile', 'rfc9068_profile_authz'] as const;
export type TokenDialect = (typeof TOKEN_DIALECTS)[number];

/** Auth0's bounds for access token lifetimes, in seconds (30 days). */
export const MIN_TOKEN_LIFETIME = 1;
export const MAX_TOKEN_LIFETIME = 2592000;

/** RFC 6749 §3.3: scope-token = 1*( %x21 / %x23-5B / %x5D-7E ). */
const SCOPE_TOKEN = /^[\x21\x23-\x5B\x5D-\x7E]+$/;
/** Auth0's pattern for API names. */
const NAME = /^[^<>]+$/;
/** An audience value: no white space, control characters or characters that are never literal in a URI. */
// eslint-disable-next-line no-control-regex -- control characters are exactly what this refuses
const IDENTIFIER = /^[^\s\x00-\x1f\x7f<>"{}|\\^`]+$/;

export class ResourceServerScopeDto {
  @StringProperty({ required: true, minLength: 1, maxLength: 280, pattern: SCOPE_TOKEN })
  value: string;

  @StringProperty({ maxLength: 500 })
  description?: string;
}

/**
 * Fields a create and a patch share (Auth0's `CreateResourceServerRequestContent` and
 * `UpdateResourceServerRequestContent`, both `additionalProperties: false`). New settable fields of a
 * resource server go here, then into the entity, the mapper and `ApisService.applyFields`.
 */
class ResourceServerFieldsDto {
  /** Returned by GET, set by the server: accepted back unchanged (dropReadOnlyEchoes). */
  @ReadOnlyEcho()
  id?: unknown;

  @ReadOnlyEcho()
  is_system?: unknown;

  @StringProperty({ maxLength: 200, pattern: NAME })
  name?: string;

  @ArrayProperty({ items: ResourceServerScopeDto })
  scopes?: ResourceServerScopeDto[];

  @EnumProperty(SIGNING_ALGS)
  signing_alg?: SigningAlg;

  @StringProperty({ minLength: 16 })
  signing_secret?: string;

  @BooleanProperty()
  allow_offline_access?: boolean;

  @IntegerProperty({ minimum: MIN_TOKEN_LIFETIME, maximum: MAX_TOKEN_LIFETIME })
  token_lifetime?: number;

  @IntegerProperty({ minimum: MIN_TOKEN_LIFETIME, maximum: MAX_TOKEN_LIFETIME })
  token_lifetime_for_web?: number;

  @BooleanProperty()
  skip_consent_for_verifiable_first_party_clients?: boolean;

  @EnumProperty(TOKEN_DIALECTS)
  token_dialect?: TokenDialect;

  @BooleanProperty()
  enforce_policies?: boolean;

  /** Encrypt this API's tokens to its own key (Auth0's shape); `null` turns encryption off. */
  @ValidateIf((_o, v) => v !== undefined && v !== null)
  @IsObject({ message: (a) => `Expected type object but found type ${jsonType(a.value)}` })
  @ValidateNested()
  @Type(() => TokenEncryptionDto)
  token_encryption?: TokenEncryptionDto | null;

  /** Tessera's extension: `opaque` reference tokens checked by introspection, or `jwt` (the default). */
  @EnumProperty(ACCESS_TOKEN_FORMATS)
  access_token_format?: AccessTokenFormat;
}

export class CreateResourceServerDto extends ResourceServerFieldsDto {
  @StringProperty({
    required: true,
    minLength: 1,
    maxLength: 600,
    pattern: IDENTIFIER,
    patternMessage: 'String is not a valid identifier: white space, control characters and <>"{}|\\^` are not allowed',
  })
  identifier: string;
}

/** `identifier` is immutable: a patch may state it back, and is refused if it names another. */
export class UpdateResourceServerDto extends ResourceServerFieldsDto {
  @ReadOnlyEcho()
  identifier?: unknown;
}
