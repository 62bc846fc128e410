// The app as Auth0's SPA quickstart writes it; `window.app` lets the e2e test drive the same calls.
const config = await (await fetch('/config.json')).json();

const client = await window.auth0.createAuth0Client({
  domain: config.domain,
  clientId: config.clientId,
  authorizationParams: { redirect_uri: window.location.origin, ...(config.audience ? { audience: config.audience } : {}) },
  useRefreshTokens: config.useRefreshTokens,
  cacheLocation: config.useRefreshTokens ? 'localstorage' : 'memory',
  authorizeTimeoutInSeconds: 10,
});

const output = document.getElementById('output');
const show = (value) => {
  output.textContent = JSON.stringify(value, null, 2);
  return value;
};
const failure = (e) => show({ error: e.error ?? e.name, error_description: e.error_description ?? e.message });

/** The claims of a JWT access token, or a note that it is opaque (a userinfo-only token). */
function describe(token) {
  const parts = token.split('.');
  return parts.length === 3 ? JSON.parse(atob(parts[1].replace(/-/g, '+').replace(/_/g, '/'))) : { opaque: true, parts: parts.length };
}

const app = {
  client,
  async status() {
    const user = await client.getUser();
    document.getElementById('status').textContent = user ? `Logged in as ${user.email}` : 'Not logged in';
    return user ?? null;
  },
  login: () => client.loginWithRedirect(),
  async loginWithPopup() {
    try {
      await client.loginWithPopup();
      return show({ user: await app.status() });
    } catch (e) {
      return failure(e);
    }
  },
  async token(audience) {
    try {
      const token = await client.getTokenSilently({ cacheMode: 'off', ...(audience ? { authorizationParams: { audience } } : {}) });
      return show({ claims: describe(token), token });
    } catch (e) {
      return failure(e);
    }
  },
  logout: () => client.logout({ logoutParams: { returnTo: window.location.origin } }),
};
window.app = app;

document.getElementById('login').addEventListener('click', () => app.login());
document.getElementById('login-popup').addEventListener('click', () => app.loginWithPopup());
document.getElementById('token').addEventListener('click', () => app.token());
document.getElementById('token-second').addEventListener('click', () => app.token(config.secondAudience));
document.getElementById('logout').addEventListener('click', () => app.logout());

const query = new URLSearchParams(window.location.search);
if (query.has('code') && query.has('state')) {
  try {
    await client.handleRedirectCallback();
  } catch (e) {
    failure(e);
  }
  window.history.replaceState({}, document.title, '/');
}
await app.status();
document.body.dataset.ready = 'true';
