import 'reflect-metadata';
import { isDeepStrictEqual } from 'node:util';
import { Allow } from 'class-validator';
import { RuleViolation } from '../errors/api-error.js';

const READ_ONLY_FIELDS = Symbol('tessera:read-only-fields');

/**
 * Marks a write DTO property that the matching GET returns but the write cannot set (`is_system`,
 * `client_id`, `id`, ...). Validation lets it through; the service then calls dropReadOnlyEchoes, so a
 * body that carries back what a GET returned is accepted (a tool saving what it read), and one that tries
 * to change such a field is refused.
 */
export function ReadOnlyEcho(): PropertyDecorator {
  return (target, key) => {
    Allow()(target, key);
    const ctor = target.constructor;
    const inherited = (Reflect.getMetadata(READ_ONLY_FIELDS, ctor) ?? []) as string[];
    Reflect.defineMetadata(READ_ONLY_FIELDS, [...inherited, String(key)], ctor);
  };
}

/**
 * Removes from `dto` the read-only fields (see ReadOnlyEcho) it carries. `server` gives, for each field the
 * server decides, the value it has (on PATCH: the stored resource's) or would set (on POST): the body's
 * value must be equal to it, or the write is a 400 naming the field and nothing is changed. A read-only
 * field `server` does not list is one the server assigns itself (a new resource's id, timestamps): dropped
 * whatever it holds, since it can neither be chosen nor changed.
 */
export function dropReadOnlyEchoes<T extends object>(dto: T, server: Record<string, unknown>): T {
  const fields = (Reflect.getMetadata(READ_ONLY_FIELDS, dto.constructor) ?? []) as string[];
  const body = dto as Record<string, unknown>;
  for (const field of fields) {
    if (!(field in body)) {
      continue;
    }
    if (field in server && !isDeepStrictEqual(body[field], server[field])) {
      throw RuleViolation.payload(
        `${field} is read-only: it can only be sent with the value the server holds (${JSON.stringify(server[field])})`,
      );
    }
    delete body[field];
  }
  return dto;
}
