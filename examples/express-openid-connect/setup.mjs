// Prepares Tessera for the sample Express app (app.mjs) through the Management API: a regular web app
// with <BASE_URL>/callback as callback and BASE_URL as logout URL, an API, a demo user.
//
//   TESSERA_URL=http://localhost:3000 ADMIN_CLIENT_ID=... ADMIN_CLIENT_SECRET=... [BASE_URL=http://localhost:4100] node setup.mjs
import { randomBytes } from 'node:crypto';
import { ensureApi, ensureUser, managementApi } from '../management.mjs';

const base = (process.env.TESSERA_URL ?? 'http://localhost:3000').replace(/\/$/, '');
const appUrl = (process.env.BASE_URL ?? 'http://localhost:4100').replace(/\/$/, '');
const audience = process.env.API_AUDIENCE ?? 'https://sample-api.example.com';
const email = process.env.USER_EMAIL ?? 'demo@example.com';

const api = await managementApi(base);
await ensureApi(api, audience, 'Sample API');
const client = await api('POST', '/api/v2/clients', {
  name: 'Sample Express App',
  app_type: 'regular_web',
  callbacks: [`${appUrl}/callback`],
  allowed_logout_urls: [appUrl],
});
const password = await ensureUser(api, email);
const secret = randomBytes(32).toString('base64url');

console.log(`# Start the sample app with its defaults (id_token, form_post, no client secret):
ISSUER_BASE_URL=${base} BASE_URL=${appUrl} CLIENT_ID=${client.client_id} SECRET=${secret} node app.mjs
# or with the code flow, an access token for the API and a refresh token:
ISSUER_BASE_URL=${base} BASE_URL=${appUrl} CLIENT_ID=${client.client_id} SECRET=${secret} CLIENT_SECRET=${client.client_secret} API_AUDIENCE=${audience} node app.mjs
# then open ${appUrl} and log in as:
#   email:    ${email}
#   password: ${password}`);
