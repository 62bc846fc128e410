// The /userinfo ceiling: a bare node:http server that does what a /userinfo answer needs at minimum, with
// jose, per request: GET /jwt verifies the bearer RS256 JWT against Tessera's public JWKS (the very token
// Tessera's row sends), GET /opaque decrypts a `dir`/`A256GCM` token with the claims Tessera's opaque token
// carries (this server encrypts it at start under a key of its own: Tessera's key never leaves Tessera;
// GET /opaque-token hands it out). Both then answer the token's scopes' claims of a user held in a Map.
// No framework, no logging. Started as a child process so it gets a core of its own.
//
//   CEIL_PORT=<port> CEIL_ISSUER=<Tessera's issuer> CEIL_JWKS=<its JWKS, JSON> CEIL_USER=<profile, JSON>
//   CEIL_OPAQUE_CLAIMS=<the opaque token's claims, JSON> node bench/userinfo-ceiling-server.mjs
import { randomBytes, webcrypto } from 'node:crypto';
import { createServer } from 'node:http';
import { createLocalJWKSet, EncryptJWT, jwtDecrypt, jwtVerify } from 'jose';

const port = Number(process.env.CEIL_PORT ?? 0);
const issuer = process.env.CEIL_ISSUER;
const audience = `${issuer}userinfo`;
const jwks = createLocalJWKSet(JSON.parse(process.env.CEIL_JWKS));
const user = JSON.parse(process.env.CEIL_USER);
const users = new Map([[user.sub, user]]);
// Imported into WebCrypto once, as Tessera does: given bytes, jose would import them again per token.
const key = await webcrypto.subtle.importKey('raw', randomBytes(32), 'AES-GCM', false, ['encrypt', 'decrypt']);
const opaque = await new EncryptJWT(JSON.parse(process.env.CEIL_OPAQUE_CLAIMS))
  .setProtectedHeader({ alg: 'dir', enc: 'A256GCM', kid: randomBytes(16).toString('base64url') })
  .encrypt(key);

/** OIDC Core §5.4: the claims each scope releases. */
const SCOPE_CLAIMS = {
  profile: [
    'name',
    'family_name',
    'given_name',
    'middle_name',
    'nickname',
    'preferred_username',
    'profile',
    'picture',
    'website',
    'gender',
    'birthdate',
    'zoneinfo',
    'locale',
    'updated_at',
  ],
  email: ['email', 'email_verified'],
};

function answer(claims) {
  const u = typeof claims.sub === 'string' ? users.get(claims.sub) : undefined;
  if (!u) {
    return undefined;
  }
  const out = { sub: u.sub };
  for (const scope of String(claims.scope ?? '').split(' ')) {
    for (const c of SCOPE_CLAIMS[scope] ?? []) {
      if (u[c] !== undefined) {
        out[c] = u[c];
      }
    }
  }
  return out;
}

const verify = {
  '/jwt': async (token) => {
    const { payload } = await jwtVerify(token, jwks, { issuer, algorithms: ['RS256'] });
    if (!(Array.isArray(payload.aud) ? payload.aud : [payload.aud]).includes(audience)) {
      throw new Error('audience');
    }
    return payload;
  },
  '/opaque': async (token) =>
    (await jwtDecrypt(token, key, { keyManagementAlgorithms: ['dir'], contentEncryptionAlgorithms: ['A256GCM'], issuer, audience }))
      .payload,
};

const server = createServer((req, res) => {
  if (req.url === '/opaque-token') {
    res.writeHead(200, { 'content-type': 'text/plain' }).end(opaque);
    return;
  }
  const check = verify[req.url];
  const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
  if (!check || !token) {
    res.writeHead(401).end();
    return;
  }
  check(token).then(
    (claims) => {
      const body = answer(claims);
      if (!body) {
        res.writeHead(401).end();
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
      res.end(JSON.stringify(body));
    },
    () => res.writeHead(401).end(),
  );
});

server.listen(port, '127.0.0.1', () => process.stdout.write(`ready ${server.address().port}\n`));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
