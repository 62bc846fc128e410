import { createRequire } from 'node:module';
import type { LoggerService } from '@nestjs/common';
import { pino, type DestinationStream, type Logger } from 'pino';
import { ConfigError, type AppConfig } from '../config/app-config.js';

/**
 * The process's pino logger: JSON lines on stdout, written asynchronously (a burst of requests becomes a
 * few large writes; pino flushes what is pending when the process exits). `LOG_FORMAT=pretty` sends the
 * same records through pino-pretty, a dev dependency, in a worker thread.
 */
export function createLogger(config: Pick<AppConfig, 'logLevel' | 'logFormat'>, destination?: DestinationStream): Logger {
  // pino's defaults for the rest: `time` in epoch milliseconds (an ISO string cost 1.1 µs a line), and no
  // `redact` (3.5 µs a line, more than the rest of the line; no line is ever given a request, a header or
  // a body to redact from: request lines are built from named safe fields only).
  const options = { level: config.logLevel, base: { pid: process.pid } };
  if (destination) {
    return pino(options, destination);
  }
  if (config.logFormat === 'pretty') {
    try {
      createRequire(import.meta.url).resolve('pino-pretty');
    } catch {
      throw new ConfigError('LOG_FORMAT=pretty needs pino-pretty, a development dependency: run npm install (without --omit=dev)');
    }
    return pino(options, pino.transport({ target: 'pino-pretty', options: { translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid' } }));
  }
  return pino(options, pino.destination({ dest: 1, sync: false }));
}

/**
 * Nest's framework messages at start (module loading, one line per mapped route) are debug here: a
 * production start prints only what an operator reads (listening, issuer, tenants). `LOG_LEVEL=debug`
 * brings the route table back.
 */
const STARTUP_CONTEXTS = new Set(['InstanceLoader', 'RoutesResolver', 'RouterExplorer', 'NestFactory', 'NestApplication']);

/** Nest's LoggerService over pino: the message's context becomes a `context` field. */
export class PinoNestLogger implements LoggerService {
  constructor(readonly pino: Logger) {}

  log(message: unknown, ...rest: unknown[]): void {
    const context = contextOf(rest);
    this.write(context && STARTUP_CONTEXTS.has(context) ? 'debug' : 'info', message, context);
  }
  error(message: unknown, ...rest: unknown[]): void {
    const context = contextOf(rest);
    const stack = rest.find((r): r is string => typeof r === 'string' && r !== context && r.includes('\n    at '));
    this.write('error', message, context, stack);
  }
  warn(message: unknown, ...rest: unknown[]): void {
    this.write('warn', message, contextOf(rest));
  }
  debug(message: unknown, ...rest: unknown[]): void {
    this.write('debug', message, contextOf(rest));
  }
  verbose(message: unknown, ...rest: unknown[]): void {
    this.write('trace', message, contextOf(rest));
  }
  fatal(message: unknown, ...rest: unknown[]): void {
    this.write('fatal', message, contextOf(rest));
  }

  private write(level: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace', message: unknown, context?: string, stack?: string): void {
    if (!this.pino.isLevelEnabled(level)) {
      return;
    }
    const fields: Record<string, unknown> = {};
    if (context) {
      fields.context = context;
    }
    if (stack) {
      fields.stack = stack;
    }
    if (message instanceof Error) {
      fields.err = message;
      this.pino[level](fields, message.message);
    } else if (typeof message === 'object' && message !== null) {
      this.pino[level]({ ...fields, ...message });
    } else {
      this.pino[level](fields, String(message));
    }
  }
}

/** Nest passes the context as the last string argument. */
function contextOf(rest: unknown[]): string | undefined {
  const last = rest[rest.length - 1];
  return typeof last === 'string' ? last : undefined;
}
