import type { AddressInfo } from 'node:net';
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';

export interface ReceivedMail {
  from: string;
  to: string[];
  subject: string;
  html: string;
  text: string;
  /** Every href of the HTML body, entities decoded. */
  links: string[];
}

export interface SmtpSink {
  port: number;
  mails: ReceivedMail[];
  /** Logins the relay saw (user names), to check AUTH was used. */
  logins: string[];
  /** Polls until a mail matches (or fails after `timeoutMs`). */
  waitFor(match: (m: ReceivedMail) => boolean, timeoutMs?: number): Promise<ReceivedMail>;
  close(): Promise<void>;
}

/**
 * A real SMTP server (the `smtp-server` package) in the test process: plain SMTP with AUTH, as a local
 * relay without TLS is; with `tls`, it offers STARTTLS with that key and certificate. With `reject`, it
 * refuses every message (a relay that is down for mail).
 */
export async function startSmtpSink(
  opts: { user?: string; pass?: string; reject?: boolean; tls?: { key: Buffer; cert: Buffer } } = {},
): Promise<SmtpSink> {
  const mails: ReceivedMail[] = [];
  const logins: string[] = [];
  const server = new SMTPServer({
    disabledCommands: opts.tls ? [] : ['STARTTLS'],
    ...(opts.tls ? { key: opts.tls.key, cert: opts.tls.cert } : {}),
    allowInsecureAuth: true,
    authOptional: !opts.user,
    logger: false,
    onAuth(auth, _session, cb) {
      if (auth.username === opts.user && auth.password === opts.pass) {
        logins.push(auth.username ?? '');
        cb(null, { user: auth.username });
      } else {
        cb(new Error('Invalid username or password'));
      }
    },
    onData(stream, _session, cb) {
      if (opts.reject) {
        stream.resume();
        stream.on('end', () => cb(Object.assign(new Error('Mailbox unavailable'), { responseCode: 451 })));
        return;
      }
      simpleParser(stream).then(
        (m) => {
          const html = typeof m.html === 'string' ? m.html : '';
          const to = (Array.isArray(m.to) ? m.to : m.to ? [m.to] : []).flatMap((a) => a.value.map((v) => v.address ?? ''));
          const links = [...html.matchAll(/href="([^"]*)"/g)].map((x) => x[1].replace(/&amp;/g, '&'));
          mails.push({ from: m.from?.value[0]?.address ?? '', to, subject: m.subject ?? '', html, text: m.text ?? '', links });
          cb();
        },
        (e: Error) => cb(e),
      );
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.server.address() as AddressInfo).port;
  return {
    port,
    mails,
    logins,
    async waitFor(match, timeoutMs = 10000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const found = mails.find(match);
        if (found) {
          return found;
        }
        if (Date.now() > deadline) {
          throw new Error(`no matching mail within ${timeoutMs} ms; received: ${JSON.stringify(mails.map((m) => [m.to, m.subject]))}`);
        }
        await new Promise((r) => setTimeout(r, 25));
      }
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
