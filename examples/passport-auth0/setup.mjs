// Prepares Tessera for the sample Passport app (app.mjs) through the Management API: a regular web app
// with CALLBACK_URL as callback, a demo user. passport-auth0 speaks https to Tessera: TESSERA_URL is https.
//
//   TESSERA_URL=https://tessera.example.com ADMIN_CLIENT_ID=... ADMIN_CLIENT_SECRET=... \
//   [CALLBACK_URL=http://localhost:4300/callback] node setup.mjs
import { ensureUser, managementApi } from '../management.mjs';

const base = (process.env.TESSERA_URL ?? 'https://localhost:3000').replace(/\/$/, '');
const callbackUrl = process.env.CALLBACK_URL ?? 'http://localhost:4300/callback';
const email = process.env.USER_EMAIL ?? 'demo@example.com';

const api = await managementApi(base);
const client = await api('POST', '/api/v2/clients', { name: 'Sample Passport App', app_type: 'regular_web', callbacks: [callbackUrl] });
const password = await ensureUser(api, email);

console.log(`# Start the sample app with:
TESSERA_DOMAIN=${new URL(base).host} CLIENT_ID=${client.client_id} CLIENT_SECRET=${client.client_secret} CALLBACK_URL=${callbackUrl} node app.mjs
# then open ${new URL(callbackUrl).origin}/login and log in as:
#   email:    ${email}
#   password: ${password}`);
