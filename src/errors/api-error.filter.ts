import { Catch, HttpException, Logger, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { Request, Response } from 'express';
import { ApiError, DbConnectionError, ManagementError, OAuthError, type ManagementErrorCode } from './api-error.js';

const REASONS: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  413: 'Request Entity Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Entity',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
};

function isManagementPath(req: Request): boolean {
  return req.path.startsWith('/api/v2');
}

/** Maps every error to Auth0's bodies; unknown errors become a generic 500 that echoes nothing. */
@Catch()
export class ApiErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger('ApiErrorFilter');

  catch(exception: unknown, host: ArgumentsHost): void {
    const ctx = host.switchToHttp();
    const req = ctx.getRequest<Request>();
    const res = ctx.getResponse<Response>();
    const err = this.normalize(exception, req);

    if (err instanceof OAuthError) {
      if (err.wwwAuthenticate) {
        res.setHeader('WWW-Authenticate', err.wwwAuthenticate);
      }
      res.setHeader('Cache-Control', 'no-store');
      res.status(err.status).json({ error: err.error, error_description: err.description });
      return;
    }
    if (err instanceof DbConnectionError) {
      res.setHeader('Cache-Control', 'no-store');
      res.status(err.status).json({ name: err.name, code: err.code, description: err.description, ...err.extra, statusCode: err.status });
      return;
    }
    if (err instanceof ManagementError) {
      if (err.status === 401) {
        res.setHeader('WWW-Authenticate', 'Bearer realm="tessera"');
      }
      res.status(err.status).json({
        statusCode: err.status,
        error: REASONS[err.status] ?? 'Error',
        message: err.message,
        errorCode: err.errorCode,
      });
      return;
    }
    // Unknown failures are logged here and answered with a body that echoes nothing of them.
    this.logger.error(exception instanceof Error ? exception.stack : String(exception));
    if (res.headersSent) {
      return;
    }
    res.status(500).json(
      isManagementPath(req)
        ? { statusCode: 500, error: 'Internal Server Error', message: 'Internal Server Error', errorCode: 'internal_error' }
        : { error: 'server_error', error_description: 'Internal Server Error' },
    );
  }

  /** Turns framework errors (404 routes, body parser failures) into our own type. */
  private normalize(exception: unknown, req: Request): ApiError | unknown {
    if (exception instanceof ApiError) {
      return exception;
    }
    // Nest's Express adapter wraps body-parser and URI-decoding failures in an HttpException with the
    // original error as `cause`; their own messages are replaced by Auth0's.
    const cause = exception instanceof HttpException ? exception.cause : exception;
    let status: number | undefined;
    let message = 'Bad Request';
    let code: ManagementErrorCode = 'invalid_body';
    if (isBodyParserError(cause)) {
      status = cause.status;
      if (cause.type === 'entity.too.large') {
        message = `Payload content length greater than maximum allowed: ${cause.limit}`;
        code = 'payload_too_large';
      } else if (cause.type === 'entity.parse.failed') {
        message = 'Invalid request payload JSON format';
      } else {
        message = cause.message;
      }
    } else if (cause instanceof URIError) {
      status = 400;
      message = 'URI malformed';
      code = 'invalid_uri';
    } else if (exception instanceof HttpException) {
      status = exception.getStatus();
      const body = exception.getResponse();
      message = typeof body === 'string' ? body : String((body as { message?: unknown }).message ?? exception.message);
      code = status === 404 ? 'not_found' : status === 413 ? 'payload_too_large' : 'invalid_body';
      if (status === 404) {
        // No route matched: Auth0 answers a bare "Not Found" rather than echoing the method and path.
        message = 'Not Found';
      }
    }
    if (status === undefined || status >= 500) {
      return exception;
    }
    if (isManagementPath(req)) {
      return new ManagementError(status, code, message);
    }
    return new OAuthError(status, 'invalid_request', message);
  }

}

interface BodyParserError {
  status: number;
  type: string;
  limit?: number;
  message: string;
}

function isBodyParserError(e: unknown): e is BodyParserError {
  return typeof e === 'object' && e !== null && typeof (e as BodyParserError).type === 'string' && typeof (e as BodyParserError).status === 'number';
}
