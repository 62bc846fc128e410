import { ReadOnlyEcho } from '../../common/read-only-fields.js';
import { IsObject, ValidateIf } from 'class-validator';
import { ArrayProperty, BooleanProperty, EnumProperty, StringProperty } from '../../common/validation.js';

/** Auth0's connection name rule: letters, digits and single inner dashes, at most 128 characters. */
export const CONNECTION_NAME = /^[a-zA-Z0-9](?:-?[a-zA-Z0-9])*$/;
/** Tessera keeps its users itself: database connections only. */
export const SUPPORTED_STRATEGIES = ['auth0'] as const;

/** What a create and a patch share. */
class ConnectionFieldsDto {
  /** Returned by GET, set by the server: accepted back unchanged (dropReadOnlyEchoes). */
  @ReadOnlyEcho()
  id?: unknown;

  @StringProperty({ minLength: 1, maxLength: 128 })
  display_name?: string;

  @ValidateIf((_o, v) => v !== undefined)
  @IsObject({ message: 'Expected type object' })
  options?: Record<string, unknown>;

  @ArrayProperty({ maxItems: 1000, eachString: [] })
  enabled_clients?: string[];

  @ArrayProperty({ maxItems: 100, eachString: [] })
  realms?: string[];

  @BooleanProperty()
  is_domain_connection?: boolean;

  @ValidateIf((_o, v) => v !== undefined)
  @IsObject({ message: 'Expected type object' })
  metadata?: Record<string, string>;
}

/** PATCH /api/v2/connections/{id}: `options` and `enabled_clients` replace the stored ones whole. */
export class UpdateConnectionDto extends ConnectionFieldsDto {
  /** Fixed at creation: accepted back unchanged. */
  @ReadOnlyEcho()
  name?: unknown;

  @ReadOnlyEcho()
  strategy?: unknown;
}

/** POST /api/v2/connections: the name and strategy, and what PATCH may change. */
export class CreateConnectionDto extends ConnectionFieldsDto {
  @StringProperty({ required: true, minLength: 1, maxLength: 128, pattern: CONNECTION_NAME })
  name: string;

  @EnumProperty(SUPPORTED_STRATEGIES, { required: true })
  strategy: string;
}

/** One entry of PATCH /api/v2/connections/{id}/clients: enable (`status: true`) or disable a client. */
export class ConnectionClientChangeDto {
  @StringProperty({ required: true, minLength: 1, maxLength: 128 })
  client_id: string;

  @BooleanProperty({ required: true })
  status: boolean;
}

export interface ConnectionResponse {
  id: string;
  name: string;
  display_name?: string;
  strategy: string;
  options: Record<string, unknown>;
  enabled_clients: string[];
  realms: string[];
  is_domain_connection: boolean;
  metadata: Record<string, string>;
}
