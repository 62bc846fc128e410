/**
 * The one reader of `Authorization: Bearer <token>` (RFC 6750 §2.1: the scheme is case-insensitive, the
 * token is b64token syntax). Syntax only: whether the token has its one canonical spelling is the
 * verifier's business (src/keys/token-spelling.ts). Undefined when the header is not well-formed Bearer.
 */
export function parseBearerCredentials(header: string): string | undefined {
  return /^Bearer +([A-Za-z0-9\-._~+/]+=*) *$/i.exec(header)?.[1];
}
