// A legacy API that reads Tessera's tokens with a key it already holds.
//
// Tokens for this API are nested JWEs: a JWT signed by Tessera (RS256/PS256, or HS256 with the API's
// signing secret), encrypted with RSA-OAEP-256/A256GCM to this API's public key. The API decrypts with
// its private key, then verifies the signature, issuer, audience and expiry as with any JWT.
//
//   TESSERA_ISSUER=http://localhost:3000/ API_AUDIENCE=https://legacy.example.com \
//   API_PRIVATE_KEY_FILE=./legacy-private.pem [API_SIGNING_SECRET=...] PORT=4000 node api.mjs
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { createPrivateKey, createSecretKey } from 'node:crypto';
import { compactDecrypt, createRemoteJWKSet, jwtVerify } from 'jose';

const issuer = process.env.TESSERA_ISSUER ?? 'http://localhost:3000/';
const audience = process.env.API_AUDIENCE ?? 'https://legacy.example.com';
const privateKey = createPrivateKey(readFileSync(process.env.API_PRIVATE_KEY_FILE ?? './legacy-private.pem'));
// HS256 APIs verify with their signing secret; RS256/PS256 APIs with Tessera's published keys.
const verifyKey = process.env.API_SIGNING_SECRET
  ? createSecretKey(Buffer.from(process.env.API_SIGNING_SECRET, 'utf8'))
  : createRemoteJWKSet(new URL('.well-known/jwks.json', issuer));
const algorithms = process.env.API_SIGNING_SECRET ? ['HS256'] : ['RS256', 'PS256'];

export async function readToken(token) {
  const { plaintext, protectedHeader } = await compactDecrypt(token, privateKey, {
    keyManagementAlgorithms: ['RSA-OAEP-256'],
    contentEncryptionAlgorithms: ['A256GCM'],
  });
  if (protectedHeader.cty !== 'JWT') {
    throw new Error('not a nested JWT');
  }
  const { payload } = await jwtVerify(new TextDecoder().decode(plaintext), verifyKey, { issuer, audience, algorithms });
  return payload;
}

const server = createServer(async (req, res) => {
  const m = /^Bearer (.+)$/.exec(req.headers.authorization ?? '');
  try {
    if (!m) throw new Error('no bearer token');
    const claims = await readToken(m[1]);
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ hello: claims.sub, scope: claims.scope }));
  } catch (e) {
    res.writeHead(401, { 'content-type': 'application/json', 'www-authenticate': 'Bearer error="invalid_token"' })
      .end(JSON.stringify({ error: 'invalid_token', error_description: e.message }));
  }
});

if (import.meta.url === `file://${process.argv[1]}`) {
  const port = Number(process.env.PORT ?? 4000);
  server.listen(port, '127.0.0.1', () => console.log(`legacy API on http://127.0.0.1:${port}, audience ${audience}`));
}
