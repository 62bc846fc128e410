// The peer: oidc-provider (bench/package.json, installed into bench/node_modules by bench/run.mjs, never a
// dependency of the app) issuing a client_credentials JWT for an RS256 resource server, with
// client_secret_post, the same claims' shape and a 2048-bit RSA key, on node:http.
//
//   PEER_PORT=<port> PEER_CLIENT_ID=<id> PEER_CLIENT_SECRET=<secret> node bench/oidc-provider-server.mjs
import { generateKeyPairSync } from 'node:crypto';
import { createServer } from 'node:http';
import Provider from 'oidc-provider';

const port = Number(process.env.PEER_PORT ?? 0);
const audience = process.env.PEER_AUDIENCE ?? 'https://rs256.bench';
const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const jwk = { ...privateKey.export({ format: 'jwk' }), kid: 'bench', use: 'sig', alg: 'RS256' };

const provider = new Provider(`http://127.0.0.1:${port}`, {
  clients: [
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
  ttl: { ClientCredentials: 86400 },
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

const server = createServer(provider.callback());
server.listen(port, '127.0.0.1', () => process.stdout.write(`ready ${server.address().port}\n`));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
