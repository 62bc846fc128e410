// The ceiling: a bare node:http server that reads the form body and signs the same access token Tessera
// issues with jose (bench/jwt-handler.mjs), once per request; POST /RS256, /PS256 or /HS256. It
// authenticates nothing and looks nothing up. Started as a child process so it gets a core of its own.
//
//   BARE_PORT=<port> BARE_SECRET=<the HS256 API's secret> node bench/bare-jwt-server.mjs
import { createServer } from 'node:http';
import { createJwtHandlers, TOKEN_HEADERS } from './jwt-handler.mjs';

const port = Number(process.env.BARE_PORT ?? 0);
const handlers = await createJwtHandlers({ secret: process.env.BARE_SECRET, issuer: `http://127.0.0.1:${port}/` });

const server = createServer((req, res) => {
  const issue = handlers[req.url.slice(1)];
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    if (!issue) {
      res.writeHead(404).end();
      return;
    }
    issue(new URLSearchParams(Buffer.concat(chunks).toString('utf8'))).then(
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
