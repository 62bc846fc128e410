// The peer: oidc-provider (bench/package.json, installed into bench/node_modules by bench/run.mjs, never a
// dependency of the app) issuing a client_credentials JWT for an RS256 resource server, with
// client_secret_post, the same claims' shape and a 2048-bit RSA key, on node:http. For the /userinfo
// rows it also answers `/me` for one user: an opaque `openid profile email` access token, minted at start
// through its own Grant and AccessToken models (as its code exchange would), is handed out on
// GET /bench-userinfo-token.
//
//   PEER_PORT=<port> PEER_CLIENT_ID=<id> PEER_CLIENT_SECRET=<secret> node bench/oidc-provider-server.mjs
import { generateKeyPairSync } from 'node:crypto';
import { createServer } from 'node:http';
import Provider from 'oidc-provider';

const port = Number(process.env.PEER_PORT ?? 0);
const audience = process.env.PEER_AUDIENCE ?? 'https://rs256.bench';
const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const jwk = { ...privateKey.export({ format: 'jwk' }), kid: 'bench', use: 'sig', alg: 'RS256' };

/** The same profile as Tessera's bench user. */
const user = {
  sub: 'bench-user',
  name: 'Bench User',
  nickname: 'bench',
  picture: 'https://s.gravatar.com/avatar/bench?s=480&r=pg&d=https%3A%2F%2Fcdn.auth0.com%2Favatars%2Fbe.png',
  updated_at: new Date().toISOString(),
  email: 'bench@example.com',
  email_verified: false,
};

const provider = new Provider(`http://127.0.0.1:${port}`, {
  findAccount: (_ctx, id) => (id === user.sub ? { accountId: id, claims: () => user } : undefined),
  claims: { openid: ['sub'], profile: ['name', 'nickname', 'picture', 'updated_at'], email: ['email', 'email_verified'] },
  clients: [
    {
      client_id: 'bench-web',
      client_secret: 'bench-web-secret-0123456789abcdef',
      grant_types: ['authorization_code'],
      redirect_uris: ['http://127.0.0.1:9/cb'],
      response_types: ['code'],
    },
    {
      client_id: process.env.PEER_CLIENT_ID ?? 'bench-client',
      client_secret: process.env.PEER_CLIENT_SECRET ?? 'bench-client-secret-0123456789abcdef',
      grant_types: ['client_credentials'],
      redirect_uris: [],
      response_types: [],
      token_endpoint_auth_method: 'client_secret_post',
    },
  ],
  jwks: { keys: [jwk] },
  scopes: ['read:bench', 'write:bench'],
  ttl: { ClientCredentials: 86400, Grant: 86400, AccessToken: 86400 },
  features: {
    devInteractions: { enabled: false },
    clientCredentials: { enabled: true },
    resourceIndicators: {
      enabled: true,
      defaultResource: () => audience,
      useGrantedResource: () => true,
      getResourceServerInfo: () => ({
        scope: 'read:bench write:bench',
        audience,
        accessTokenTTL: 86400,
        accessTokenFormat: 'jwt',
        jwt: { sign: { alg: 'RS256' } },
      }),
    },
  },
});

const client = await provider.Client.find('bench-web');
const grant = new provider.Grant({ accountId: user.sub, clientId: client.clientId });
grant.addOIDCScope('openid profile email');
const userinfoToken = await new provider.AccessToken({
  client,
  accountId: user.sub,
  grantId: await grant.save(),
  scope: 'openid profile email',
  gty: 'authorization_code',
}).save();

const callback = provider.callback();
const server = createServer((req, res) => {
  if (req.url === '/bench-userinfo-token') {
    res.writeHead(200, { 'content-type': 'text/plain' }).end(userinfoToken);
    return;
  }
  callback(req, res);
});
server.listen(port, '127.0.0.1', () => process.stdout.write(`ready ${server.address().port}\n`));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
