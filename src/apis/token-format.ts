import { ManagementError } from '../errors/api-error.js';
import { loadEncryptionKey } from '../keys/token-encryption.js';
import type { TokenEncryptionDto } from './dto/token-encryption.dto.js';
import type { TokenEncryption } from './resource-server.entity.js';

/**
 * Validates an API's encryption key (RSA, at least 2048 bits, public) and fills `kid` with the key's
 * RFC 7638 thumbprint when the admin gave none. Bad keys are a 400 naming the problem.
 */
export async function normalizeTokenEncryption(dto: TokenEncryptionDto): Promise<TokenEncryption> {
  const loaded = await loadEncryptionKey(dto.encryption_key.pem);
  return {
    format: 'compact-nested-jwe',
    encryption_key: {
      name: dto.encryption_key.name,
      alg: 'RSA-OAEP-256',
      kid: dto.encryption_key.kid ?? loaded.thumbprint,
      pem: dto.encryption_key.pem,
    },
  };
}

/** Opaque reference tokens are not JWTs, so they cannot also be encrypted JWTs. */
export function assertFormatsCompatible(format: 'jwt' | 'opaque', encryption: TokenEncryption | null): void {
  if (format === 'opaque' && encryption) {
    throw ManagementError.badRequest('access_token_format "opaque" cannot be combined with token_encryption: opaque tokens are not JWTs');
  }
}
