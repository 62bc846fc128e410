import { HttpException, Logger } from '@nestjs/common';
import { ApiError, DbConnectionError, ManagementError, OAuthError, RuleViolation, type ManagementErrorCode } from './api-error.js';

/** Which of Auth0's error shapes a request is answered in. */
export type ErrorSurface = 'oauth' | 'management';

/** An error answer, free of any HTTP framework: both the Express filter and the token route write it. */
export interface RenderedError {
  status: number;
  headers: Record<string, string>;
  body: Record<string, unknown>;
}

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

const logger = new Logger('ApiErrorFilter');

/** The one error renderer: Auth0's bodies for our errors; unknown errors become a 500 that echoes nothing. */
export function renderError(exception: unknown, surface: ErrorSurface): RenderedError {
  const err = normalizeError(exception, surface);
  if (err instanceof OAuthError) {
    const headers: Record<string, string> = { ...err.headers, 'Cache-Control': 'no-store' };
    if (err.wwwAuthenticate) {
      headers['WWW-Authenticate'] = err.wwwAuthenticate;
    }
    return { status: err.status, headers, body: { error: err.error, error_description: err.description } };
  }
  if (err instanceof DbConnectionError) {
    return {
      status: err.status,
      headers: { 'Cache-Control': 'no-store' },
      body: { name: err.name, code: err.code, description: err.description, ...err.extra, statusCode: err.status },
    };
  }
  if (err instanceof ManagementError) {
    const headers: Record<string, string> = { ...err.headers };
    if (err.status === 401) {
      headers['WWW-Authenticate'] = 'Bearer realm="tessera"';
    }
    return {
      status: err.status,
      headers,
      body: { statusCode: err.status, error: REASONS[err.status] ?? 'Error', message: err.message, errorCode: err.errorCode },
    };
  }
  // Unknown failures are logged here and answered with a body that echoes nothing of them.
  logger.error(exception instanceof Error ? exception.stack : String(exception));
  return {
    status: 500,
    headers: {},
    body:
      surface === 'management'
        ? { statusCode: 500, error: 'Internal Server Error', message: 'Internal Server Error', errorCode: 'internal_error' }
        : { error: 'server_error', error_description: 'Internal Server Error' },
  };
}

/** Turns framework errors (404 routes, body parser failures, bad URIs) into our own type for the surface. */
function normalizeError(exception: unknown, surface: ErrorSurface): ApiError | unknown {
  if (exception instanceof RuleViolation) {
    const err =
      surface === 'management'
        ? new ManagementError(exception.status, exception.managementCode, exception.message)
        : new OAuthError(exception.status, exception.oauthCode, exception.message);
    err.headers = exception.headers;
    return err;
  }
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
  return surface === 'management' ? new ManagementError(status, code, message) : new OAuthError(status, 'invalid_request', message);
}

interface BodyParserError {
  status: number;
  type: string;
  limit?: number;
  message: string;
}

function isBodyParserError(e: unknown): e is BodyParserError {
  return (
    typeof e === 'object' &&
    e !== null &&
    typeof (e as BodyParserError).type === 'string' &&
    typeof (e as BodyParserError).status === 'number'
  );
}
