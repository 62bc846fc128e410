// A tiny web application that logs users in through Tessera with the authorization code flow + PKCE
// (openid-client), then shows the tokens it received and what /userinfo says.
//
//   TESSERA_ISSUER=http://localhost:3000/ CLIENT_ID=... CLIENT_SECRET=... [API_AUDIENCE=...] \
//   [APP_URL=http://localhost:4000] node app.mjs
import { createServer } from 'node:http';
import { decodeJwt, decodeProtectedHeader } from 'jose';
import * as oidc from 'openid-client';

const issuer = new URL(process.env.TESSERA_ISSUER ?? 'http://localhost:3000/');
const appUrl = (process.env.APP_URL ?? 'http://localhost:4000').replace(/\/$/, '');
const audience = process.env.API_AUDIENCE;
const redirectUri = `${appUrl}/callback`;

const config = await oidc.discovery(issuer, process.env.CLIENT_ID, process.env.CLIENT_SECRET, undefined, {
  // Tessera on plain http is fine on localhost; drop this when the issuer is https.
  execute: issuer.protocol === 'http:' ? [oidc.allowInsecureRequests] : [],
});

/** Login attempts in progress, by state: the PKCE verifier and nonce never leave this process. */
const pending = new Map();

const escape = (s) => String(s).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);
const page = (body) => `<!DOCTYPE html><html><head><meta charset="utf-8"><title>Sample Web App</title>
<style>body{font-family:system-ui,sans-serif;max-width:860px;margin:2em auto;padding:0 1em}pre{background:#f4f5f7;padding:1em;overflow:auto}</style>
</head><body><h1>Sample Web App</h1>${body}</body></html>`;

function describeAccessToken(token) {
  const parts = token.split('.').length;
  if (parts === 5) {
    return `an opaque token (a JWE ${escape(JSON.stringify(decodeProtectedHeader(token)))}), valid only at /userinfo`;
  }
  return `a JWT:\n${escape(JSON.stringify(decodeJwt(token), null, 2))}`;
}

async function handle(req, res) {
  const url = new URL(req.url, appUrl);
  if (url.pathname === '/') {
    res.writeHead(200, { 'content-type': 'text/html' }).end(
      page(`<p><a href="/login">Log in</a> (opaque access token, for /userinfo only)</p>` +
        (audience ? `<p><a href="/login?api=1">Log in for the API</a> (a JWT for <code>${escape(audience)}</code> and /userinfo)</p>` : '')),
    );
    return;
  }
  if (url.pathname === '/login') {
    const verifier = oidc.randomPKCECodeVerifier();
    const state = oidc.randomState();
    const nonce = oidc.randomNonce();
    pending.set(state, { verifier, nonce });
    const params = {
      redirect_uri: redirectUri,
      scope: 'openid profile email offline_access',
      code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      state,
      nonce,
    };
    if (audience && url.searchParams.get('api')) {
      params.audience = audience;
    }
    res.writeHead(302, { location: oidc.buildAuthorizationUrl(config, params).href }).end();
    return;
  }
  if (url.pathname === '/callback') {
    const state = url.searchParams.get('state');
    const attempt = pending.get(state);
    pending.delete(state);
    if (url.searchParams.has('error') || !attempt) {
      const why = url.searchParams.get('error_description') ?? url.searchParams.get('error') ?? 'unknown login attempt';
      res.writeHead(400, { 'content-type': 'text/html' }).end(page(`<p>Login failed: ${escape(why)}</p><p><a href="/">Back</a></p>`));
      return;
    }
    const tokens = await oidc.authorizationCodeGrant(config, url, {
      pkceCodeVerifier: attempt.verifier,
      expectedState: state,
      expectedNonce: attempt.nonce,
    });
    const claims = tokens.claims();
    const userinfo = await oidc.fetchUserInfo(config, tokens.access_token, claims.sub);
    const logout = oidc.buildEndSessionUrl(config, { id_token_hint: tokens.id_token, post_logout_redirect_uri: `${appUrl}/` });
    res.writeHead(200, { 'content-type': 'text/html' }).end(
      page(
        `<p>Logged in as <strong>${escape(claims.email ?? claims.sub)}</strong>. <a href="${escape(logout.href)}">Log out</a></p>` +
          `<h2>ID token claims</h2><pre>${escape(JSON.stringify(claims, null, 2))}</pre>` +
          `<h2>Access token</h2><p>expires in ${tokens.expires_in} s, scope <code>${escape(tokens.scope ?? '')}</code>; it is ${describeAccessToken(tokens.access_token)}</p>` +
          `<h2>Refresh token</h2><p>${tokens.refresh_token ? 'received (rotated on every use)' : 'none'}</p>` +
          `<h2>/userinfo</h2><pre>${escape(JSON.stringify(userinfo, null, 2))}</pre>`,
      ),
    );
    return;
  }
  res.writeHead(404, { 'content-type': 'text/plain' }).end('Not found');
}

const server = createServer((req, res) => {
  handle(req, res).catch((e) => {
    res.writeHead(500, { 'content-type': 'text/html' }).end(page(`<p>Error: ${escape(e.message)}</p>`));
  });
});
const port = Number(process.env.PORT || new URL(appUrl).port || 4000);
server.listen(port, '127.0.0.1', () => console.log(`Sample Web App on ${appUrl}/`));
