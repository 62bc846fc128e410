// A server-rendered web app on express-openid-connect, configured as Auth0's Express quickstart says,
// with only issuerBaseURL pointing at Tessera.
//
// Its defaults (no client secret): response_type=id_token, response_mode=form_post:
//   ISSUER_BASE_URL=http://localhost:3000 BASE_URL=http://localhost:4100 CLIENT_ID=... SECRET=<long random> \
//   node app.mjs
// With CLIENT_SECRET (and API_AUDIENCE) it uses the code flow and gets an access token and a refresh token.
import express from 'express';
import eoc from 'express-openid-connect';

const { auth, requiresAuth } = eoc;

const baseURL = process.env.BASE_URL ?? 'http://localhost:4100';
const codeFlow = Boolean(process.env.CLIENT_SECRET);

const app = express();
app.use(
  auth({
    authRequired: false,
    auth0Logout: true,
    issuerBaseURL: process.env.ISSUER_BASE_URL ?? 'http://localhost:3000',
    baseURL,
    clientID: process.env.CLIENT_ID,
    secret: process.env.SECRET,
    ...(codeFlow
      ? {
          clientSecret: process.env.CLIENT_SECRET,
          authorizationParams: {
            response_type: 'code',
            scope: 'openid profile email offline_access',
            ...(process.env.API_AUDIENCE ? { audience: process.env.API_AUDIENCE } : {}),
          },
        }
      : {}),
  }),
);

const escape = (s) => String(s).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);

app.get('/', (req, res) => {
  res.send(
    req.oidc.isAuthenticated()
      ? `<p>Logged in as <strong>${escape(req.oidc.user.email)}</strong></p><p><a href="/profile">Profile</a> <a href="/logout">Log out</a></p>`
      : '<p>Logged out. <a href="/login">Log in</a></p>',
  );
});

app.get('/profile', requiresAuth(), (req, res) => res.json(req.oidc.user));

// Code flow only: the access token, and a refresh of it on demand.
app.get('/token', requiresAuth(), async (req, res) => {
  let token = req.oidc.accessToken;
  if (!token) {
    res.status(400).json({ error: 'no access token (set CLIENT_SECRET to use the code flow)' });
    return;
  }
  const before = token.access_token;
  if (req.query.refresh) {
    token = await token.refresh();
  }
  res.json({ access_token: token.access_token, refreshed: token.access_token !== before, expires_in: token.expires_in });
});

app.listen(Number(new URL(baseURL).port || 80), new URL(baseURL).hostname, () => process.stdout.write(`Express app on ${baseURL}\n`));
