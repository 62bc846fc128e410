// The ceiling: a bare node:http server that reads the form body and signs the same access token Tessera
// issues with jose (bench/jwt-handler.mjs), once per request; POST /RS256, /PS256 or /HS256. It
// authenticates nothing and looks nothing up. Started as a child process so it gets a core of its own.
// POST /refresh is the refresh ceiling: the least a rotation does (look the token up in a Map, replace
// it, sign a new RS256 access token); POST /refresh-seed?n=<count> hands out that many starting tokens.
//
//   BARE_PORT=<port> BARE_SECRET=<the HS256 API's secret> node bench/bare-jwt-server.mjs
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import { createJwtHandlers, TOKEN_HEADERS } from './jwt-handler.mjs';

const port = Number(process.env.BARE_PORT ?? 0);
const handlers = await createJwtHandlers({ secret: process.env.BARE_SECRET, issuer: `http://127.0.0.1:${port}/` });

/** Live refresh tokens: token -> what the rotation carries over (client, audience). */
const refreshTokens = new Map();
const newRefreshToken = (grant) => {
  const token = randomBytes(48).toString('base64url');
  refreshTokens.set(token, grant);
  return token;
};

const routes = {
  ...handlers,
  'refresh-seed': async (_params, url) => {
    const n = Number(new URL(url, 'http://x').searchParams.get('n') ?? 1);
    return JSON.stringify(Array.from({ length: n }, () => newRefreshToken({ client_id: 'bench-web', audience: 'https://rs256.bench' })));
  },
  refresh: async (params) => {
    const grant = refreshTokens.get(params.get('refresh_token') ?? '');
    if (!grant) {
      throw new Error('unknown refresh token');
    }
    refreshTokens.delete(params.get('refresh_token'));
    const refresh_token = newRefreshToken(grant);
    const body = JSON.parse(await handlers.RS256(new URLSearchParams(grant)));
    return JSON.stringify({ ...body, refresh_token });
  },
};

const server = createServer((req, res) => {
  const issue = routes[req.url.slice(1).split('?')[0]];
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    if (!issue) {
      res.writeHead(404).end();
      return;
    }
    issue(new URLSearchParams(Buffer.concat(chunks).toString('utf8')), req.url).then(
      (body) => {
        res.writeHead(200, TOKEN_HEADERS);
        res.end(body);
      },
      () => res.writeHead(500).end(),
    );
  });
});

server.listen(port, '127.0.0.1', () => process.stdout.write(`ready ${server.address().port}\n`));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
