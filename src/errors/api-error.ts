/**
 * The one error type services throw. The filter renders it in the shape of the surface the request
 * came through: Management API `{statusCode, error, message, errorCode}` or OAuth `{error, error_description}`.
 */
export abstract class ApiError extends Error {
  abstract readonly status: number;
  /** Response headers that belong to this error (e.g. `Retry-After` on a 429). */
  headers?: Record<string, string>;
}

export type ManagementErrorCode =
  | 'invalid_body'
  | 'invalid_query_string'
  | 'invalid_uri'
  | 'missing_authentication'
  | 'invalid_token'
  | 'insufficient_scope'
  | 'inexistent_resource_server'
  | 'inexistent_client'
  | 'inexistent_client_grant'
  | 'inexistent_key'
  | 'inexistent_user'
  | 'inexistent_role'
  | 'operation_not_supported'
  | 'conflict'
  | 'resource_server_conflict'
  | 'client_grant_conflict'
  | 'user_exists'
  | 'auth0_idp_error'
  | 'inexistent_connection'
  | 'connection_conflict'
  | 'inexistent_email_provider'
  | 'email_provider_conflict'
  | 'inexistent_email_template'
  | 'email_template_conflict'
  | 'inexistent_job'
  | 'invalid_signature'
  | 'invalid_password'
  | 'payload_too_large'
  | 'not_found'
  | 'too_many_requests'
  | 'internal_error';

export class ManagementError extends ApiError {
  constructor(
    readonly status: number,
    readonly errorCode: ManagementErrorCode,
    message: string,
  ) {
    super(message);
  }

  static badRequest(message: string, code: ManagementErrorCode = 'invalid_body') {
    return new ManagementError(400, code, message);
  }
  static notFound(message: string, code: ManagementErrorCode = 'not_found') {
    return new ManagementError(404, code, message);
  }
  static conflict(message: string, code: ManagementErrorCode = 'conflict') {
    return new ManagementError(409, code, message);
  }
}

export type OAuthErrorCode =
  | 'invalid_request'
  | 'invalid_client'
  | 'invalid_grant'
  | 'unauthorized_client'
  | 'unsupported_grant_type'
  | 'invalid_scope'
  | 'access_denied'
  | 'invalid_token'
  | 'insufficient_scope'
  | 'unsupported_response_type'
  | 'unsupported_token_type'
  | 'server_error'
  | 'login_required'
  | 'consent_required'
  | 'interaction_required'
  | 'unauthorized'
  | 'too_many_requests'
  | 'too_many_attempts';

export class OAuthError extends ApiError {
  /** Value for `WWW-Authenticate` (RFC 6749 §5.2 for Basic client auth, RFC 6750 §3 for bearer). */
  wwwAuthenticate?: string;

  constructor(
    readonly status: number,
    readonly error: OAuthErrorCode,
    readonly description: string,
  ) {
    super(description);
  }

  static invalidRequest(description: string) {
    return new OAuthError(400, 'invalid_request', description);
  }
  static invalidGrant(description: string) {
    return new OAuthError(400, 'invalid_grant', description);
  }
  static accessDenied(description: string) {
    return new OAuthError(403, 'access_denied', description);
  }
  static unauthorizedClient(description: string) {
    return new OAuthError(403, 'unauthorized_client', description);
  }
  static invalidClient(description: string, basic: boolean) {
    const err = new OAuthError(401, 'invalid_client', description);
    if (basic) {
      err.wwwAuthenticate = 'Basic realm="tessera", charset="UTF-8"';
    }
    return err;
  }
  static invalidToken(description: string) {
    const err = new OAuthError(401, 'invalid_token', description);
    err.wwwAuthenticate = `Bearer realm="tessera", error="invalid_token", error_description="${description.replace(/["\\]/g, '')}"`;
    return err;
  }
}

/** Auth0's description of a rate-limited request. */
export const TOO_MANY_REQUESTS = 'Too many requests. Check the Retry-After header.';

/**
 * A broken rule (src/rules and the resources' own rule files): pure code throws this without knowing who
 * asked, and the error renderer answers it in the shape of the surface the request came through.
 */
export class RuleViolation extends ApiError {
  constructor(
    message: string,
    readonly managementCode: ManagementErrorCode = 'invalid_body',
    readonly oauthCode: OAuthErrorCode = 'invalid_request',
    readonly status = 400,
  ) {
    super(message);
  }

  /** A limit was reached (request rate, password hashing capacity): 429 `too_many_requests` with `Retry-After`. */
  static tooManyRequests(retryAfterSeconds: number): RuleViolation {
    const v = new RuleViolation(TOO_MANY_REQUESTS, 'too_many_requests', 'too_many_requests', 429);
    v.headers = { 'Retry-After': String(retryAfterSeconds) };
    return v;
  }

  /** A field of a Management API body breaks a rule, said as Auth0 says schema failures. */
  static payload(detail: string): RuleViolation {
    return new RuleViolation(`Payload validation error: '${detail}'.`);
  }
}

/**
 * Errors of the Authentication API's database-connection endpoints (`/dbconnections/*`), in Auth0's
 * shape there: `{name, code, description, statusCode}` (plus `policy` for a weak password).
 */
export class DbConnectionError extends ApiError {
  constructor(
    readonly status: number,
    override readonly name: string,
    readonly code: string,
    readonly description: string,
    readonly extra: Record<string, string> = {},
  ) {
    super(description);
  }

  static badRequest(code: string, description: string, extra?: Record<string, string>) {
    return new DbConnectionError(400, 'BadRequestError', code, description, extra);
  }
}
