const REASONS: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  409: 'Conflict',
  413: 'Request Entity Too Large',
  429: 'Too Many Requests',
};

/** Asserts a whole Management API error body. `message` may be a RegExp when only part is fixed. */
export function expectManagementError(
  res: { status: number; body: any },
  status: number,
  errorCode: string,
  message?: string | RegExp,
): void {
  expect({ status: res.status, keys: Object.keys(res.body ?? {}).sort() }).toEqual({
    status,
    keys: ['error', 'errorCode', 'message', 'statusCode'],
  });
  expect(res.body).toMatchObject({ statusCode: status, error: REASONS[status], errorCode });
  if (message instanceof RegExp) {
    expect(res.body.message).toMatch(message);
  } else if (message !== undefined) {
    expect(res.body.message).toBe(message);
  }
}

/** Asserts a whole OAuth error body `{error, error_description}` and its status. */
export function expectOAuthError(
  res: { status: number; body: any; headers?: Headers },
  status: number,
  error: string,
  description?: string | RegExp,
): void {
  expect({ status: res.status, keys: Object.keys(res.body ?? {}).sort(), error: res.body?.error }).toEqual({
    status,
    keys: ['error', 'error_description'],
    error,
  });
  if (description instanceof RegExp) {
    expect(res.body.error_description).toMatch(description);
  } else if (description !== undefined) {
    expect(res.body.error_description).toBe(description);
  }
}
