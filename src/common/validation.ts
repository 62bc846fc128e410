import { applyDecorators, ValidationPipe, type ArgumentMetadata, type ValidationError } from '@nestjs/common';
import {
  ArrayMaxSize,
  ArrayMinSize,
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
  ValidateBy,
  ValidateIf,
  ValidateNested,
  type ValidationArguments,
  type ValidationOptions,
} from 'class-validator';
import { Type } from 'class-transformer';
import { ManagementError } from '../errors/api-error.js';

/*
 * Management API bodies are checked by class-validator DTOs built from the decorators below. They carry
 * the messages Auth0's JSON-schema validator gives ("Expected type string but found type null", "Value 0
 * is less than minimum 1", ...), and the ValidationPipe renders the first problem as Auth0 does:
 * `Payload validation error: '<problem>' on property <path>.`
 */

/** The JSON type of a value, as JSON-schema names it. */
export function jsonType(value: unknown): string {
  if (value === null) {
    return 'null';
  }
  if (Array.isArray(value)) {
    return 'array';
  }
  if (typeof value === 'number') {
    return Number.isInteger(value) ? 'integer' : 'number';
  }
  return typeof value === 'undefined' ? 'undefined' : typeof value;
}

const expected = (type: string) => (a: ValidationArguments) => `Expected type ${type} but found type ${jsonType(a.value)}`;
const stringLength = (a: ValidationArguments) => (typeof a.value === 'string' ? a.value.length : 0);

interface Presence {
  /** Absent is an error ("Missing required property"); otherwise absent is fine but `null` is a wrong type. */
  required?: boolean;
  /** Lets `null` through as a value of its own (fields Auth0 types as `["x", "null"]`). */
  nullable?: boolean;
}

/** Optional, but `null` is a wrong type rather than "absent" (class-validator's IsOptional lets null through). */
export function IsOptionalButNotNull(options?: ValidationOptions): PropertyDecorator {
  return ValidateIf((_o, v) => v !== undefined, options);
}

function presence(p: Presence): PropertyDecorator[] {
  if (p.required) {
    // Only absence is "missing"; a `null` goes on to the type check, as a JSON-schema validator reports it.
    return [
      ValidateBy({
        name: 'isPresent',
        validator: { validate: (v) => v !== undefined, defaultMessage: (a) => `Missing required property: ${a?.property ?? ''}` },
      }),
    ];
  }
  return [ValidateIf((_o, v) => v !== undefined && !(p.nullable && v === null))];
}

export interface StringRules extends Presence {
  minLength?: number;
  maxLength?: number;
  pattern?: RegExp;
  /** Replaces "String does not match pattern ..." when the pattern alone would not tell the caller why. */
  patternMessage?: string;
  /** Further checks of the value (e.g. URL or e-mail formats). */
  checks?: PropertyDecorator[];
}

/** A string property. */
export function StringProperty(rules: StringRules = {}): PropertyDecorator {
  const decorators = [...presence(rules), IsString({ message: expected('string') })];
  if (rules.minLength !== undefined) {
    decorators.push(
      MinLength(rules.minLength, { message: (a) => `String is too short (${stringLength(a)} chars), minimum ${a.constraints[0]}` }),
    );
  }
  if (rules.maxLength !== undefined) {
    decorators.push(
      MaxLength(rules.maxLength, { message: (a) => `String is too long (${stringLength(a)} chars), maximum ${a.constraints[0]}` }),
    );
  }
  if (rules.pattern) {
    const pattern = rules.pattern;
    decorators.push(Matches(pattern, { message: rules.patternMessage ?? `String does not match pattern ${pattern.source}` }));
  }
  decorators.push(...(rules.checks ?? []));
  return applyDecorators(...decorators);
}

/** An integer property within [minimum, maximum]. */
export function IntegerProperty(rules: Presence & { minimum?: number; maximum?: number }): PropertyDecorator {
  const decorators = [...presence(rules), IsInt({ message: expected('integer') })];
  if (rules.minimum !== undefined) {
    decorators.push(Min(rules.minimum, { message: (a) => `Value ${String(a.value)} is less than minimum ${a.constraints[0]}` }));
  }
  if (rules.maximum !== undefined) {
    decorators.push(Max(rules.maximum, { message: (a) => `Value ${String(a.value)} is greater than maximum ${a.constraints[0]}` }));
  }
  return applyDecorators(...decorators);
}

export function BooleanProperty(rules: Presence = {}): PropertyDecorator {
  return applyDecorators(...presence(rules), IsBoolean({ message: expected('boolean') }));
}

/** A string property from a closed list. */
export function EnumProperty(values: readonly string[], rules: Presence = {}): PropertyDecorator {
  return applyDecorators(
    ...presence(rules),
    IsString({ message: expected('string') }),
    IsIn([...values], { message: (a) => `No enum match for: ${JSON.stringify(a.value)}` }),
  );
}

export interface ArrayRules extends Presence {
  minItems?: number;
  maxItems?: number;
  /** Objects of this DTO class. */
  items?: new () => object;
  /** Strings, each checked by these decorators (pass `{ each: true }` in their options). */
  eachString?: PropertyDecorator[];
}

/** An array property of DTO objects or of strings. */
export function ArrayProperty(rules: ArrayRules): PropertyDecorator {
  const decorators = [...presence(rules), IsArray({ message: expected('array') })];
  if (rules.minItems !== undefined) {
    decorators.push(
      ArrayMinSize(rules.minItems, { message: (a) => `Array is too short (${arrayLength(a)}), minimum ${a.constraints[0]}` }),
    );
  }
  if (rules.maxItems !== undefined) {
    decorators.push(ArrayMaxSize(rules.maxItems, { message: (a) => `Array is too long (${arrayLength(a)}), maximum ${a.constraints[0]}` }));
  }
  if (rules.items) {
    const items = rules.items;
    decorators.push(
      ValidateNested({ each: true, message: expected('object') }),
      Type(() => items),
    );
  }
  if (rules.eachString) {
    decorators.push(IsString({ each: true, message: (a) => `Expected type string but found type ${jsonType(firstNonString(a.value))}` }));
    decorators.push(...rules.eachString);
  }
  return applyDecorators(...decorators);
}

const arrayLength = (a: ValidationArguments) => (Array.isArray(a.value) ? a.value.length : 0);
const firstNonString = (v: unknown) => (Array.isArray(v) ? v.find((x) => typeof x !== 'string') : v);

/** Options for an `each: true` format check on string arrays, with an Auth0-like message. */
export function eachFormat(format: string, isValid: (v: string) => boolean): ValidationOptions {
  return {
    each: true,
    message: (a) =>
      `Object didn't pass validation for format ${format}: ${String(Array.isArray(a.value) ? a.value.find((v) => !isValid(String(v))) : a.value)}`,
  };
}

/** Options for an `each: true` enum check on string arrays, naming the first value outside the list. */
export function eachEnum(values: readonly string[]): ValidationOptions {
  return {
    each: true,
    message: (a) =>
      `No enum match for: ${JSON.stringify(Array.isArray(a.value) ? a.value.find((v) => !values.includes(v as string)) : a.value)}`,
  };
}

/** Options for a format check on a single string, with an Auth0-like message. */
export function format(name: string): ValidationOptions {
  return { message: (a) => `Object didn't pass validation for format ${name}: ${String(a.value)}` };
}

/** Auth0's `minProperties`: a PATCH that names no field is refused. */
export function assertMinProperties(body: object, minimum: number): void {
  const count = Object.keys(body).filter((k) => (body as Record<string, unknown>)[k] !== undefined).length;
  if (count < minimum) {
    throw ManagementError.badRequest(`Payload validation error: 'Too few properties defined (${count}), minimum ${minimum}'.`);
  }
}

/** Which constraint to report when a property breaks several: the type first, as a schema validator does. */
const PRIORITY = [
  'isPresent',
  'isDefined',
  'isString',
  'isInt',
  'isNumber',
  'isBoolean',
  'isArray',
  'isObject',
  'nestedValidation',
  'isIn',
  'isEnum',
];

function pickConstraint(constraints: Record<string, string>): string {
  const key = PRIORITY.find((k) => k in constraints) ?? Object.keys(constraints)[0];
  return constraints[key];
}

function childPath(path: string, property: string): string {
  if (/^\d+$/.test(property)) {
    return `${path}[${property}]`;
  }
  return path ? `${path}.${property}` : property;
}

/** Unknown properties anywhere in the body, grouped by the object that holds them. */
function additionalProperties(errors: ValidationError[], path = ''): { path: string; names: string[] } | undefined {
  const here = errors.filter((e) => e.constraints?.whitelistValidation).map((e) => e.property);
  if (here.length > 0) {
    return { path, names: here };
  }
  for (const e of errors) {
    const found = e.children?.length ? additionalProperties(e.children, childPath(path, e.property)) : undefined;
    if (found) {
      return found;
    }
  }
  return undefined;
}

function firstProblem(errors: ValidationError[], path = ''): { path: string; message: string } | undefined {
  for (const e of errors) {
    const where = childPath(path, e.property);
    if (e.constraints && Object.keys(e.constraints).length > 0) {
      return { path: where, message: pickConstraint(e.constraints) };
    }
    const nested = e.children?.length ? firstProblem(e.children, where) : undefined;
    if (nested) {
      return nested;
    }
  }
  return undefined;
}

/** Renders class-validator errors as Auth0's `invalid_body` message. */
export function validationMessage(errors: ValidationError[]): string {
  // The pipe's own verdict on a body that is not a JSON object (an array, or a non-object value).
  // (An `isObject` on a named property is that property's own type error, reported below.)
  if (errors.some((e) => (e.constraints?.isObject && !e.property) || e.constraints?.unknownValue)) {
    return "Payload validation error: 'Expected type object but found type array'.";
  }
  const extra = additionalProperties(errors);
  if (extra) {
    const on = extra.path ? ` on property ${extra.path}` : '';
    return `Payload validation error: 'Additional properties not allowed: ${extra.names.join(',')}'${on}.`;
  }
  const problem = firstProblem(errors);
  if (!problem) {
    return "Payload validation error: 'Invalid payload'.";
  }
  return `Payload validation error: '${problem.message}' on property ${problem.path}.`;
}

/**
 * Strict DTO validation for the Management API: unknown fields and wrong types are `invalid_body` 400s.
 * Handlers that take a plain object (`Record<string, unknown>`, the OAuth endpoints) are passed through.
 */
export function managementValidationPipe(): ValidationPipe {
  return new ManagementValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    forbidUnknownValues: true,
    transform: true,
    transformOptions: { enableImplicitConversion: false },
    validationError: { target: false, value: true },
    exceptionFactory: (errors) => ManagementError.badRequest(validationMessage(errors)),
  });
}

/** Auth0's bodies are JSON objects: an array body is a type error before any field is looked at. */
class ManagementValidationPipe extends ValidationPipe {
  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    if (metadata.type === 'body' && Array.isArray(value) && this.toValidate(metadata)) {
      throw ManagementError.badRequest("Payload validation error: 'Expected type object but found type array'.");
    }
    return super.transform(value, metadata);
  }
}
