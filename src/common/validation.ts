import { ValidationPipe, type ValidationError } from '@nestjs/common';
import { ValidateIf, type ValidationOptions } from 'class-validator';
import { ManagementError } from '../errors/api-error.js';

/** Optional, but `null` is a wrong type rather than "absent" (class-validator's IsOptional lets null through). */
export function IsOptionalButNotNull(options?: ValidationOptions): PropertyDecorator {
  return ValidateIf((_o, v) => v !== undefined, options);
}

function firstProblem(errors: ValidationError[], path = ''): string {
  for (const e of errors) {
    const where = path ? `${path}.${e.property}` : e.property;
    if (e.constraints) {
      const [key, text] = Object.entries(e.constraints)[0];
      if (key === 'whitelistValidation') {
        return `'Additional properties not allowed: ${where}'`;
      }
      return `'${text.replace(e.property, where)}' on property ${where}`;
    }
    if (e.children?.length) {
      return firstProblem(e.children, where);
    }
  }
  return "'Invalid payload'";
}

/** Strict DTO validation for the Management API: unknown fields and wrong types are `invalid_body` 400s. */
export function managementValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    forbidUnknownValues: true,
    transform: true,
    transformOptions: { enableImplicitConversion: false },
    validationError: { target: false, value: false },
    exceptionFactory: (errors) => ManagementError.badRequest(`Payload validation error: ${firstProblem(errors)}.`),
  });
}
