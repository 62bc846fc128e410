import { Type } from 'class-transformer';
import { IsObject, ValidateBy, ValidateNested } from 'class-validator';
import { ReadOnlyEcho } from '../../common/read-only-fields.js';
import { ArrayProperty, BooleanProperty, EnumProperty, jsonType, StringProperty } from '../../common/validation.js';

/** Runtimes Auth0 names for post-login v3; all run in the same isolate sandbox. */
export const RUNTIMES = ['node16', 'node18', 'node18-actions', 'node22'] as const;
export const DEFAULT_RUNTIME = 'node22';
/** Secret names as Auth0 allows them (they become `event.secrets.<name>`). */
const SECRET_NAME = /^[A-Za-z_][A-Za-z0-9_-]*$/;

export class ActionTriggerDto {
  @StringProperty({ required: true, minLength: 1, maxLength: 64 })
  id: string;

  @StringProperty({ maxLength: 16 })
  version?: string;

  @StringProperty({ maxLength: 32 })
  status?: string;

  @ArrayProperty({ eachString: [] })
  runtimes?: string[];

  @StringProperty({ maxLength: 32 })
  default_runtime?: string;

  /** Read-only fields of a trigger as `GET /triggers` answers them, accepted so that body can be sent back. */
  @ArrayProperty({ maxItems: 20 })
  compatible_triggers?: unknown[];

  @StringProperty({ maxLength: 32 })
  binding_policy?: string;

  @StringProperty({ maxLength: 2048 })
  url?: string;
}

export class ActionSecretDto {
  @StringProperty({ required: true, minLength: 1, maxLength: 128, pattern: SECRET_NAME })
  name: string;

  @StringProperty({ maxLength: 4096 })
  value?: string;

  /** As read back from an action (exports carry it); ignored. */
  @StringProperty({ maxLength: 64 })
  updated_at?: string;
}

export class ActionDependencyDto {
  @StringProperty({ required: true, minLength: 1, maxLength: 214 })
  name: string;

  @StringProperty({ maxLength: 64 })
  version?: string;

  @StringProperty({ maxLength: 2048 })
  registry_url?: string;
}

/**
 * Fields a create and a patch share (Auth0's `CreateActionRequestContent` and `UpdateActionRequestContent`;
 * no `modules`: Tessera has none).
 */
class ActionFieldsDto {
  @StringProperty({ maxLength: 100 * 1024 })
  code?: string;

  @ArrayProperty({ maxItems: 100, items: ActionDependencyDto })
  dependencies?: ActionDependencyDto[];

  @EnumProperty(RUNTIMES)
  runtime?: string;

  @ArrayProperty({ maxItems: 50, items: ActionSecretDto })
  secrets?: ActionSecretDto[];

  /** Auth0's shared action modules: Tessera has none, so only an empty list is accepted. */
  @ArrayProperty({ maxItems: 100 })
  modules?: unknown[];

  // What a GET answers beside the writable fields: accepted back, never set (see ReadOnlyEcho).
  @ReadOnlyEcho()
  id?: unknown;

  @ReadOnlyEcho()
  all_changes_deployed?: unknown;

  @ReadOnlyEcho()
  status?: unknown;

  @ReadOnlyEcho()
  built_at?: unknown;

  @ReadOnlyEcho()
  deployed_version?: unknown;

  @ReadOnlyEcho()
  created_at?: unknown;

  @ReadOnlyEcho()
  updated_at?: unknown;
}

export class CreateActionDto extends ActionFieldsDto {
  @StringProperty({ required: true, minLength: 1, maxLength: 255 })
  name: string;

  @ArrayProperty({ required: true, minItems: 1, maxItems: 1, items: ActionTriggerDto })
  supported_triggers: ActionTriggerDto[];

  @BooleanProperty()
  deploy?: boolean;
}

export class UpdateActionDto extends ActionFieldsDto {
  @StringProperty({ minLength: 1, maxLength: 255 })
  name?: string;

  @ArrayProperty({ minItems: 1, maxItems: 1, items: ActionTriggerDto })
  supported_triggers?: ActionTriggerDto[];
}

export class BindingRefDto {
  @EnumProperty(['action_id', 'action_name', 'binding_id'], { required: true })
  type: string;

  @StringProperty({ required: true, minLength: 1, maxLength: 255 })
  value: string;
}

export class BindingDto {
  @ValidateBy({
    name: 'isPresent',
    validator: { validate: (v) => v !== undefined, defaultMessage: () => 'Missing required property: ref' },
  })
  @IsObject({ message: (a) => `Expected type object but found type ${jsonType(a.value)}` })
  @ValidateNested()
  @Type(() => BindingRefDto)
  ref: BindingRefDto;

  @StringProperty({ minLength: 1, maxLength: 255 })
  display_name?: string;

  @ArrayProperty({ maxItems: 50, items: ActionSecretDto })
  secrets?: ActionSecretDto[];
}

/** Auth0's `UpdateActionBindingsRequestContent`: the whole ordered list. */
export class UpdateBindingsDto {
  @ArrayProperty({ items: BindingDto, maxItems: 50 })
  bindings?: BindingDto[];
}

export interface ActionSecretResponse {
  name: string;
  updated_at: string;
}

export interface ActionVersionResponse {
  id: string;
  action_id: string;
  code: string;
  dependencies: unknown[];
  deployed: boolean;
  runtime: string;
  secrets: ActionSecretResponse[];
  status: string;
  number: number;
  errors: { id: string; msg: string }[];
  built_at?: string;
  created_at: string;
  updated_at: string;
  supported_triggers: { id: string; version: string }[];
  action?: { id: string; name: string; supported_triggers: { id: string; version: string }[]; created_at: string; updated_at: string };
}

export interface ActionResponse {
  id: string;
  name: string;
  supported_triggers: { id: string; version: string }[];
  all_changes_deployed: boolean;
  created_at: string;
  updated_at: string;
  code: string;
  dependencies: unknown[];
  runtime: string;
  secrets: ActionSecretResponse[];
  status: string;
  built_at?: string;
  deployed_version?: ActionVersionResponse;
}
