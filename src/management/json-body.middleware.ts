import { Injectable, type NestMiddleware } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { requestPath } from '../common/request-path.js';
import { ManagementError } from '../errors/api-error.js';

const WRITES = new Set(['POST', 'PUT', 'PATCH']);
const JSON_TYPE = /^application\/json\s*(;|$)/i;
/** Auth0's one multipart endpoint: the users file of an import job (read by multer, with its limits). */
const MULTIPART_ROUTE = /^\/api\/v2\/jobs\/users-imports\/?$/i;
const MULTIPART_TYPE = /^multipart\/form-data\s*;/i;

/** Whether the request carries a body (RFC 9110 §6.4: a non-zero Content-Length or a transfer coding). */
function hasBody(req: Request): boolean {
  const length = req.headers['content-length'];
  return req.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
}

/**
 * The Management API reads JSON only. Any other body (a form, text, XML, multipart, JSON Patch, or no
 * Content-Type at all) would reach the handlers as an empty object, i.e. a silent empty change, so it is
 * refused with Auth0's 400 before any handler runs, and nothing is written.
 */
@Injectable()
export class ManagementJsonBodyMiddleware implements NestMiddleware {
  use(req: Request, _res: Response, next: NextFunction): void {
    if (!WRITES.has(req.method) || !/^\/api\/v2\//i.test(requestPath(req)) || !hasBody(req)) {
      next();
      return;
    }
    const type = req.headers['content-type'];
    if (type !== undefined && (JSON_TYPE.test(type) || (MULTIPART_TYPE.test(type) && MULTIPART_ROUTE.test(requestPath(req))))) {
      next();
      return;
    }
    next(
      ManagementError.badRequest(
        `Invalid request payload: the Management API reads application/json bodies only (got ${type === undefined ? 'no Content-Type' : JSON.stringify(type.slice(0, 100))}).`,
        'invalid_body',
      ),
    );
  }
}
