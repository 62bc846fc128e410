// Prepares Tessera for the sample SPA (server.mjs) through the Management API, as Auth0's dashboard
// registers a single-page app: app type spa, the app's URL as callback, logout URL and web origin (no
// grant_types: the defaults include the browser flows and refresh tokens); an API; a demo user.
//
//   TESSERA_URL=http://localhost:3000 ADMIN_CLIENT_ID=... ADMIN_CLIENT_SECRET=... [APP_URL=http://localhost:4200] node setup.mjs
import { ensureApi, ensureUser, managementApi } from '../management.mjs';

const base = (process.env.TESSERA_URL ?? 'http://localhost:3000').replace(/\/$/, '');
const appUrl = (process.env.APP_URL ?? 'http://localhost:4200').replace(/\/$/, '');
const audience = process.env.API_AUDIENCE ?? 'https://sample-api.example.com';
const email = process.env.USER_EMAIL ?? 'demo@example.com';

const api = await managementApi(base);
await ensureApi(api, audience, 'Sample API');
const client = await api('POST', '/api/v2/clients', {
  name: 'Sample SPA',
  app_type: 'spa',
  callbacks: [appUrl],
  allowed_logout_urls: [appUrl],
  web_origins: [appUrl],
});
const password = await ensureUser(api, email);
const { hostname, port } = new URL(appUrl);

console.log(`# Start the sample SPA with:
TESSERA_DOMAIN=${base} CLIENT_ID=${client.client_id} API_AUDIENCE=${audience} HOST=${hostname} PORT=${port} node server.mjs
# then open ${appUrl} and log in as:
#   email:    ${email}
#   password: ${password}`);
