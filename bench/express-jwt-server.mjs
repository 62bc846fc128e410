// The same handler as the ceiling (bench/jwt-handler.mjs) mounted in plain Express 5 with its urlencoded
// body parser: what the framework alone costs, the yardstick for Tessera's own overhead.
//
//   BARE_PORT=<port> BARE_SECRET=<the HS256 API's secret> node bench/express-jwt-server.mjs
import express from 'express';
import { createJwtHandlers, TOKEN_HEADERS } from './jwt-handler.mjs';

const port = Number(process.env.BARE_PORT ?? 0);
const handlers = await createJwtHandlers({ secret: process.env.BARE_SECRET, issuer: `http://127.0.0.1:${port}/` });

const app = express();
app.disable('x-powered-by');
app.set('etag', false);
app.use(express.urlencoded({ extended: false }));
for (const [alg, issue] of Object.entries(handlers)) {
  app.post(`/${alg}`, (req, res, next) => {
    issue({ get: (name) => (typeof req.body?.[name] === 'string' ? req.body[name] : null) }).then((body) => res.set(TOKEN_HEADERS).send(body), next);
  });
}

const server = app.listen(port, '127.0.0.1', () => process.stdout.write(`ready ${server.address().port}\n`));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
