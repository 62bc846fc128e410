// A single-page app on @auth0/auth0-spa-js, configured as Auth0's SPA quickstart says, with only the
// domain pointing at Tessera. This server only hands out static files; everything else happens in the
// browser: the redirect login, the code exchange, silent renewal, the popup login and the logout.
//
//   TESSERA_DOMAIN=http://localhost:3000 CLIENT_ID=... [API_AUDIENCE=...] [SECOND_AUDIENCE=...] \
//   [USE_REFRESH_TOKENS=1] [PORT=4200] [HOST=localhost] node server.mjs
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import express from 'express';

const here = dirname(fileURLToPath(import.meta.url));
// The SDK's browser bundle, straight from node_modules (it defines `window.auth0`).
const sdkDir = dirname(createRequire(import.meta.url).resolve('@auth0/auth0-spa-js/package.json'));
const sdk = readFileSync(join(sdkDir, 'dist', 'auth0-spa-js.production.js'));

const port = Number(process.env.PORT ?? 4200);
const host = process.env.HOST ?? 'localhost';
const config = {
  domain: process.env.TESSERA_DOMAIN ?? 'http://localhost:3000',
  clientId: process.env.CLIENT_ID,
  audience: process.env.API_AUDIENCE || undefined,
  secondAudience: process.env.SECOND_AUDIENCE || undefined,
  useRefreshTokens: process.env.USE_REFRESH_TOKENS === '1',
};
if (!config.clientId) {
  process.stderr.write('CLIENT_ID is required\n');
  process.exit(1);
}

const app = express();
app.get('/auth0-spa-js.js', (_req, res) => res.type('js').send(sdk));
app.get('/config.json', (_req, res) => res.json(config));
app.use(express.static(join(here, 'public')));
app.listen(port, host, () => process.stdout.write(`SPA on http://${host}:${port}\n`));
