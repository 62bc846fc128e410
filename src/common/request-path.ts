import type { Request } from 'express';

/**
 * The request's full path, without the query. Middleware is mounted by Nest, so `req.path` there is
 * relative to the mount point (it lost `/api/v2`).
 */
export function requestPath(req: Request): string {
  return (req.originalUrl ?? req.url).split('?', 1)[0];
}
