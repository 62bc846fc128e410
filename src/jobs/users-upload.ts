import type { Request, Response } from 'express';
import multer from 'multer';
import { ManagementError } from '../errors/api-error.js';

/** The parts of a `users-imports` request. */
export interface UsersUpload {
  file?: Buffer;
  fields: Record<string, unknown>;
}

const MULTIPART = /^multipart\/form-data\s*;/i;

/**
 * Reads Auth0's `multipart/form-data` import request with multer, in memory and within limits: one file
 * part named `users` (any content type) of at most `maxBytes`, and a few short text fields. Anything
 * else is Auth0's 400, before a job exists.
 */
export function readUsersUpload(req: Request, res: Response, maxBytes: number): Promise<UsersUpload> {
  if (!MULTIPART.test(req.headers['content-type'] ?? '')) {
    return Promise.reject(ManagementError.badRequest('Payload validation error: the request must be multipart/form-data.'));
  }
  const parse = multer({
    storage: multer.memoryStorage(),
    limits: { fileSize: maxBytes, files: 1, fields: 8, fieldSize: 1024, parts: 9, headerPairs: 50 },
  }).single('users');
  return new Promise((resolve, reject) => {
    parse(req, res, (err: unknown) => {
      if (err instanceof multer.MulterError) {
        reject(
          err.code === 'LIMIT_FILE_SIZE'
            ? ManagementError.badRequest(`Payload validation error: the users file is larger than ${maxBytes} bytes.`, 'payload_too_large')
            : ManagementError.badRequest(`Payload validation error: ${err.message}${err.field ? ` (${err.field.slice(0, 60)})` : ''}.`),
        );
      } else if (err) {
        reject(ManagementError.badRequest('Payload validation error: the multipart body could not be read.'));
      } else {
        resolve({ file: req.file?.buffer, fields: { ...(req.body as Record<string, unknown>) } });
      }
    });
  });
}
