// The ceiling for bench/client-credentials.mjs: a bare node:http server that reads the form body and
// signs the same access token Tessera issues with `jose`, once per request. It authenticates nothing and
// looks nothing up. Started as a child process so it gets a core of its own, like Tessera.
//
//   BARE_ALG=RS256|HS256  BARE_SECRET=<HS256 secret>  BARE_PORT=<port>  node bench/bare-jwt-server.mjs
import { createSecretKey, generateKeyPairSync, randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import { calculateJwkThumbprint, exportJWK, SignJWT } from 'jose';

const alg = process.env.BARE_ALG ?? 'RS256';
const port = Number(process.env.BARE_PORT ?? 0);
const issuer = `http://127.0.0.1:${port}/`;

let key;
const header = { alg, typ: 'JWT' };
if (alg === 'HS256') {
  key = createSecretKey(Buffer.from(process.env.BARE_SECRET ?? randomBytes(48).toString('base64url'), 'utf8'));
} else {
  const pair = generateKeyPairSync('rsa', { modulusLength: 2048 });
  key = pair.privateKey;
  header.kid = await calculateJwkThumbprint(await exportJWK(pair.publicKey));
}

const server = createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    const params = new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
    const clientId = params.get('client_id') ?? 'anonymous';
    const audience = params.get('audience') ?? 'https://api.example';
    const now = Math.floor(Date.now() / 1000);
    new SignJWT({
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
      .sign(key)
      .then(
        (token) => {
          const body = JSON.stringify({ access_token: token, token_type: 'Bearer', expires_in: 86400, scope: 'read:bench write:bench' });
          res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', pragma: 'no-cache' });
          res.end(body);
        },
        () => {
          res.writeHead(500).end();
        },
      );
  });
});

server.listen(port, '127.0.0.1', () => {
  process.stdout.write(`ready ${server.address().port}\n`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
