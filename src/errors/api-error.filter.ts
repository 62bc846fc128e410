import { Catch, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { Request, Response } from 'express';
import { renderError, type ErrorSurface } from './error-renderer.js';

/** The surface a request came through: the Management API answers in its shape, everything else in OAuth's. */
export function surfaceOf(req: Request): ErrorSurface {
  return (req.originalUrl ?? req.path).startsWith('/api/v2') ? 'management' : 'oauth';
}

/** Writes every error that reaches Nest with the one error renderer. */
@Catch()
export class ApiErrorFilter implements ExceptionFilter {
  catch(exception: unknown, host: ArgumentsHost): void {
    const ctx = host.switchToHttp();
    const req = ctx.getRequest<Request>();
    const res = ctx.getResponse<Response>();
    const rendered = renderError(exception, surfaceOf(req));
    if (res.headersSent) {
      return;
    }
    for (const [name, value] of Object.entries(rendered.headers)) {
      res.setHeader(name, value);
    }
    res.status(rendered.status).json(rendered.body);
  }
}
