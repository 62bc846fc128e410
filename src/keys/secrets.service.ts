import { Inject, Injectable } from '@nestjs/common';
import { SECRET_BOX } from './keys.tokens.js';
import type { SecretBox } from './secret-box.js';
import { constantTimeEqual, randomAlphanumeric, randomId, randomToken, sha256 } from './random.js';

/** Secrets at rest and their comparison, for modules that must not touch crypto directly. */
@Injectable()
export class SecretsService {
  constructor(@Inject(SECRET_BOX) private readonly box: SecretBox) {}

  seal(plaintext: string, context: string): string {
    return this.box.seal(plaintext, context);
  }
  open(envelope: string, context: string): string {
    return this.box.open(envelope, context);
  }
  /** A signature of `data` for `purpose` (signed links); check it with hasSignature(). */
  sign(data: string, purpose: string): string {
    return this.box.mac(data, purpose);
  }
  /** Constant-time check of a signature made by sign(). */
  hasSignature(data: string, signature: string, purpose: string): boolean {
    return constantTimeEqual(this.box.mac(data, purpose), signature);
  }
  equals(a: string, b: string): boolean {
    return constantTimeEqual(a, b);
  }
  hash(value: string): string {
    return sha256(value);
  }
  newSecret(): string {
    return randomToken(48);
  }
  newId(): string {
    return randomId();
  }
  newClientId(): string {
    return randomAlphanumeric(32);
  }
}
