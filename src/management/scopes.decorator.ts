import { SetMetadata } from '@nestjs/common';

export const SCOPES_KEY = 'tessera:management-scopes';

/** Marks a Management API handler: a valid Management token holding any of these scopes is required. */
export const Scopes = (...scopes: string[]) => SetMetadata(SCOPES_KEY, scopes);
