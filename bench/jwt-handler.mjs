// The handler both reference servers run: read client_id and audience from the form, sign the claims
// Tessera issues for client_credentials with jose, answer the token response. It authenticates nothing
// and looks nothing up. bench/bare-jwt-server.mjs mounts it on node:http, bench/express-jwt-server.mjs on
// plain Express, so the difference between those two rows is the framework alone.
import { generateKeyPairSync, randomBytes, webcrypto } from 'node:crypto';
import { calculateJwkThumbprint, exportJWK, SignJWT } from 'jose';

/** `alg`: RS256, PS256 or HS256 (`secret` then is the API's signing secret). */
export async function createJwtHandler({ alg, secret, issuer }) {
  let key;
  const header = { alg, typ: 'JWT' };
  if (alg === 'HS256') {
    // A WebCrypto key imported once: given a secret KeyObject, jose would import it again per signature.
    const bytes = Buffer.from(secret ?? randomBytes(48).toString('base64url'), 'utf8');
    key = await webcrypto.subtle.importKey('raw', bytes, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  } else {
    // jose caches its WebCrypto import of an RSA KeyObject.
    const pair = generateKeyPairSync('rsa', { modulusLength: 2048 });
    key = pair.privateKey;
    header.kid = await calculateJwkThumbprint(await exportJWK(pair.publicKey));
  }
  /** `params`: a URLSearchParams-like `get(name)`. Resolves to the JSON body of the token response. */
  return async function issue(params) {
    const clientId = params.get('client_id') ?? 'anonymous';
    const audience = params.get('audience') ?? 'https://api.example';
    const now = Math.floor(Date.now() / 1000);
    const token = await new SignJWT({
      iss: issuer,
      sub: `${clientId}@clients`,
      aud: audience,
      iat: now,
      exp: now + 86400,
      jti: randomBytes(12).toString('hex'),
      scope: 'read:bench write:bench',
      gty: 'client-credentials',
      azp: clientId,
    })
      .setProtectedHeader(header)
      .sign(key);
    return JSON.stringify({ access_token: token, token_type: 'Bearer', expires_in: 86400, scope: 'read:bench write:bench' });
  };
}

/** One handler per algorithm: RS256 and PS256 with their own RSA-2048 key, HS256 with `secret`. */
export async function createJwtHandlers({ secret, issuer }) {
  const out = {};
  for (const alg of ['RS256', 'PS256', 'HS256']) {
    out[alg] = await createJwtHandler({ alg, secret, issuer });
  }
  return out;
}

export const TOKEN_HEADERS = { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', pragma: 'no-cache' };
