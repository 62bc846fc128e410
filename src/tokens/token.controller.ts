import { Controller, Post, Req, Res } from '@nestjs/common';
import type { Response } from 'express';
import type { IncomingHttpHeaders } from 'node:http';
import { isClosing } from '../common/shutdown.js';
import { RATE_LIMITED } from '../rate-limit/rate-limit.middleware.js';
import type { TenantRequest } from '../tenants/tenant-context.js';
import { TokenPipeline, type TokenHttp } from './token-pipeline.js';

type TokenRequest = TenantRequest & { [RATE_LIMITED]?: boolean };

/**
 * POST /oauth/token through Nest: the requests the fast path (src/token-route.ts) leaves to Express
 * (bodies only Express's parsers read, paths Express alone matches). Runs the same step list.
 */
@Controller('oauth')
export class TokenController {
  constructor(private readonly pipeline: TokenPipeline) {}

  @Post('token')
  token(@Req() req: TokenRequest, @Res() res: Response): Promise<void> {
    return this.pipeline.run(new ExpressTokenHttp(req, res));
  }
}

/** The token endpoint's view of a request Express has parsed. */
class ExpressTokenHttp implements TokenHttp {
  readonly method: string;
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
  readonly rateLimited: boolean;

  constructor(
    private readonly req: TokenRequest,
    private readonly res: Response,
  ) {
    this.method = req.method;
    this.url = req.originalUrl;
    this.headers = req.headers;
    this.rateLimited = req[RATE_LIMITED] === true;
  }

  get closing(): boolean {
    return isClosing(this.req);
  }

  ip(): string | undefined {
    return this.req.ip;
  }

  readBody(): Promise<unknown> {
    return Promise.resolve(this.req.body);
  }

  send(status: number, headers: Record<string, string>, body: string): void {
    this.res.status(status);
    for (const name in headers) {
      this.res.setHeader(name, headers[name]);
    }
    this.res.setHeader('Content-Type', 'application/json; charset=utf-8');
    this.res.send(body);
  }
}
