// Configures Tessera for the legacy API and calls it once, end to end:
// 1. generates the API's RSA key pair (the private key stays here, in legacy-private.pem);
// 2. creates the API in Tessera with `token_encryption` holding the public key;
// 3. creates a machine-to-machine client and a client grant;
// 4. gets a token with client credentials and prints what the API reads from it.
//
//   TESSERA_URL=http://localhost:3000 ADMIN_CLIENT_ID=... ADMIN_CLIENT_SECRET=... node setup.mjs
import { generateKeyPairSync } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { caller } from '../management.mjs';

const base = (process.env.TESSERA_URL ?? 'http://localhost:3000').replace(/\/$/, '');
const audience = process.env.API_AUDIENCE ?? 'https://legacy.example.com';

const call = caller(base);

const admin = await call('POST', '/oauth/token', {
  grant_type: 'client_credentials',
  client_id: process.env.ADMIN_CLIENT_ID,
  client_secret: process.env.ADMIN_CLIENT_SECRET,
  audience: `${base}/api/v2/`,
});

const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
writeFileSync('legacy-private.pem', privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });

await call('POST', '/api/v2/resource-servers', {
  name: 'Legacy API',
  identifier: audience,
  signing_alg: 'RS256',
  scopes: [{ value: 'read:orders', description: 'Read orders' }],
  token_encryption: {
    format: 'compact-nested-jwe',
    encryption_key: { name: 'legacy-2026', alg: 'RSA-OAEP-256', pem: publicKey.export({ type: 'spki', format: 'pem' }) },
  },
}, admin.access_token);

const client = await call('POST', '/api/v2/clients', { name: 'Legacy caller', app_type: 'non_interactive' }, admin.access_token);
await call('POST', '/api/v2/client-grants', { client_id: client.client_id, audience, scope: ['read:orders'] }, admin.access_token);

const token = await call('POST', '/oauth/token', {
  grant_type: 'client_credentials',
  client_id: client.client_id,
  client_secret: client.client_secret,
  audience,
});
console.log('access token (a compact JWE, five parts):', token.access_token.split('.').length, 'parts');

process.env.API_PRIVATE_KEY_FILE = 'legacy-private.pem';
process.env.TESSERA_ISSUER = `${base}/`;
process.env.API_AUDIENCE = audience;
const { readToken } = await import('./api.mjs');
console.log('the legacy API reads:', await readToken(token.access_token));
