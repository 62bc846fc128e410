import { Injectable, type NestMiddleware } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { RuleViolation } from '../errors/api-error.js';
import { requestPath } from './request-path.js';

/**
 * Refuses a request whose path, query or body holds a NUL character, before any handler sees it. No
 * identifier, OAuth value or profile field can contain one, SQLite would store it and PostgreSQL refuses
 * it (a 500 from deep inside a query), so both databases answer the same clear 400.
 */
@Injectable()
export class NulGuardMiddleware implements NestMiddleware {
  use(req: Request, _res: Response, next: NextFunction): void {
    const path = requestPath(req);
    const where = /%00/i.test(path)
      ? 'path'
      : holdsNul(req.query)
        ? 'query string'
        : holdsNul(req.body) && !isTokenEndpoint(req, path)
          ? 'body'
          : undefined;
    if (!where) {
      next();
      return;
    }
    // The renderer answers in the request's surface: this code for the Management API, invalid_request for OAuth.
    const code = where === 'path' ? 'invalid_uri' : where === 'body' ? 'invalid_body' : 'invalid_query_string';
    next(new RuleViolation(`The request ${where} must not contain NUL characters`, code));
  }
}

/**
 * The token endpoint as Express routes it (any case, optional trailing slash): its step list checks the
 * path and query itself, and its body values are read by the OAuth parameter reader, which refuses a NUL
 * naming the parameter, so both of its entries answer alike.
 */
function isTokenEndpoint(req: Request, path: string): boolean {
  return req.method === 'POST' && /^\/oauth\/token\/?$/i.test(path);
}

/** Any string, or any key, anywhere in a parsed query or body; iterative, so no depth overflows it. */
export function holdsNul(value: unknown): boolean {
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    const v = stack.pop();
    if (typeof v === 'string') {
      if (v.includes('\u0000')) {
        return true;
      }
    } else if (Array.isArray(v)) {
      for (const inner of v) {
        stack.push(inner);
      }
    } else if (typeof v === 'object' && v !== null) {
      for (const [k, inner] of Object.entries(v)) {
        if (k.includes('\u0000')) {
          return true;
        }
        stack.push(inner);
      }
    }
  }
  return false;
}
