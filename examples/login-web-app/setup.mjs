// Prepares Tessera for the sample web app (app.mjs), through the Management API:
// 1. an application "Sample Web App" whose callback is <APP_URL>/callback;
// 2. an API "Sample API" (RS256, refresh tokens allowed) so you can see a JWT access token too;
// 3. a user on the tenant's database connection.
// It prints the variables to start app.mjs with.
//
//   TESSERA_URL=http://localhost:3000 ADMIN_CLIENT_ID=... ADMIN_CLIENT_SECRET=... node setup.mjs
import { randomBytes } from 'node:crypto';
import { managementApi } from '../management.mjs';

const base = (process.env.TESSERA_URL ?? 'http://localhost:3000').replace(/\/$/, '');
const appUrl = (process.env.APP_URL ?? 'http://localhost:4000').replace(/\/$/, '');
const audience = process.env.API_AUDIENCE ?? 'https://sample-api.example.com';
const email = process.env.USER_EMAIL ?? 'demo@example.com';
// Meets the database connection's password policy: 8+ characters, 3 of 4 character kinds.
const password = process.env.USER_PASSWORD ?? `Demo-${randomBytes(6).toString('base64url')}-7a`;

const call = await managementApi(base);

const apis = await call('GET', `/api/v2/resource-servers?identifiers=${encodeURIComponent(audience)}`);
if (apis.length === 0) {
  await call('POST', '/api/v2/resource-servers', {
    name: 'Sample API',
    identifier: audience,
    signing_alg: 'RS256',
    allow_offline_access: true,
    scopes: [{ value: 'read:messages', description: 'Read your messages' }],
  });
}

const client = await call('POST', '/api/v2/clients', {
  name: 'Sample Web App',
  app_type: 'regular_web',
  callbacks: [`${appUrl}/callback`],
  allowed_logout_urls: [`${appUrl}/`],
  grant_types: ['authorization_code', 'refresh_token'],
});

const [existing] = await call('GET', `/api/v2/users-by-email?email=${encodeURIComponent(email)}`);
if (existing) {
  await call('PATCH', `/api/v2/users/${encodeURIComponent(existing.user_id)}`, { password });
} else {
  await call('POST', '/api/v2/users', { connection: 'Username-Password-Authentication', email, password, name: 'Demo User' });
}

console.log(`# Start the sample app with:
TESSERA_ISSUER=${base}/ CLIENT_ID=${client.client_id} CLIENT_SECRET=${client.client_secret} API_AUDIENCE=${audience} APP_URL=${appUrl} node app.mjs
# then open ${appUrl}/ and log in as:
#   email:    ${email}
#   password: ${password}`);
