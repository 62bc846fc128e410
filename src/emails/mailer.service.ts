import { Inject, Injectable, Logger } from '@nestjs/common';
import { createTransport } from 'nodemailer';
import { APP_CONFIG } from '../config/config.module.js';
import type { AppConfig } from '../config/app-config.js';
import { LogsService } from '../logs/logs.service.js';
import type { EmailTemplateName } from './dto/email.dto.js';
import { EmailProviderService, type SmtpSettings } from './email-provider.service.js';
import { renderMail, TemplateError, type TemplateVariables } from './email-rendering.js';
import { EmailTemplatesService } from './email-templates.service.js';

export interface MailRequest {
  tenantId: string;
  template: EmailTemplateName;
  to: string;
  vars: TemplateVariables;
  /** For the audit log when the mail is given up. */
  userId?: string;
  clientId?: string;
  /** Told once: the relay took the mail, or it was not sent (and why). */
  onSettled?: (outcome: { sent: true } | { sent: false; reason: string }) => void;
}

export type Outcome = { sent: true } | { sent: false; reason: string };

/** Strips a rendered HTML body to a plain-text alternative. */
function textOf(html: string): string {
  return html
    .replace(/<a\s[^>]*href="([^"]*)"[^>]*>(.*?)<\/a>/gi, '$2: $1')
    .replace(/<\/p>|<br\s*\/?>/gi, '\n')
    .replace(/<[^>]+>/g, '')
    .replace(/&amp;/g, '&')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .trim();
}

/**
 * Sends the tenant's mails through its SMTP relay with nodemailer: STARTTLS whenever the relay offers
 * it (certificate verified), plain SMTP otherwise (a local relay). `enqueue` returns at once: sending,
 * and retrying with the configured backoff, happen after the request that caused the mail has been
 * answered, and a mail given up is an `fn` event in the tenant's logs.
 */
@Injectable()
export class MailerService {
  private readonly logger = new Logger('Mailer');
  private readonly delays: number[];

  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    private readonly providers: EmailProviderService,
    private readonly templates: EmailTemplatesService,
    private readonly logs: LogsService,
  ) {
    this.delays = config.emailRetryDelaysMs;
  }

  /** Queues a templated mail; never throws, never waits for the relay. */
  enqueue(req: MailRequest): void {
    setImmediate(() => {
      this.deliver(req).then(
        (outcome) => req.onSettled?.(outcome),
        (e: unknown) => {
          this.logger.error(`mail delivery crashed: ${e instanceof Error ? e.message : String(e)}`);
          req.onSettled?.({ sent: false, reason: 'internal error' });
        },
      );
    });
  }

  /** Whether the tenant has an enabled relay: without one no mail goes out, so no link is worth issuing. */
  async canSend(tenantId: string): Promise<boolean> {
    const smtp = await this.providers.smtpSettings(tenantId);
    return smtp !== undefined && smtp.enabled;
  }

  /** One attempt, awaited (the dashboard's "send a test mail"): the relay's answer or its error. */
  async sendTest(tenantId: string, to: string): Promise<Outcome> {
    const smtp = await this.providers.smtpSettings(tenantId);
    if (!smtp) {
      return { sent: false, reason: 'No email provider is configured' };
    }
    try {
      await this.send(smtp, { from: smtp.from, to, subject: 'Tessera test mail', html: '<p>Your email provider works.</p>' });
      return { sent: true };
    } catch (e) {
      return { sent: false, reason: reasonOf(e) };
    }
  }

  private async deliver(req: MailRequest): Promise<Outcome> {
    const template = await this.templates.effective(req.tenantId, req.template);
    if (!template.enabled) {
      return { sent: false, reason: `the ${req.template} template is disabled` };
    }
    const smtp = await this.providers.smtpSettings(req.tenantId);
    if (!smtp || !smtp.enabled) {
      return { sent: false, reason: 'no email provider is configured' };
    }
    let message;
    try {
      const rendered = await renderMail(template.subject, template.body, req.vars);
      message = { from: template.from || smtp.from, to: req.to, subject: rendered.subject, html: rendered.html };
    } catch (e) {
      return this.giveUp(req, `the ${req.template} template failed to render: ${e instanceof TemplateError ? e.detail : reasonOf(e)}`, 0);
    }
    const outcome = await this.sendWithRetries(smtp, message);
    return outcome.sent ? outcome : this.giveUp(req, outcome.reason, this.delays.length + 1);
  }

  /**
   * A mail Tessera writes itself (no tenant template), to an operator rather than a user: sent now,
   * awaited, retried with the configured backoff. Not sent when the tenant has no enabled relay.
   */
  async sendNotice(tenantId: string, notice: { to: string; subject: string; html: string }): Promise<Outcome> {
    const smtp = await this.providers.smtpSettings(tenantId);
    if (!smtp || !smtp.enabled) {
      return { sent: false, reason: 'no email provider is configured' };
    }
    return this.sendWithRetries(smtp, { from: smtp.from, ...notice });
  }

  private async sendWithRetries(
    smtp: SmtpSettings,
    message: { from: string; to: string; subject: string; html: string },
  ): Promise<Outcome> {
    let reason = '';
    for (let attempt = 0; attempt <= this.delays.length; attempt++) {
      if (attempt > 0) {
        await sleep(this.delays[attempt - 1]);
      }
      try {
        await this.send(smtp, message);
        return { sent: true };
      } catch (e) {
        reason = reasonOf(e);
      }
    }
    return { sent: false, reason };
  }

  private giveUp(req: MailRequest, reason: string, attempts: number): Outcome {
    this.logs.record({
      tenantId: req.tenantId,
      type: 'fn',
      description: `Failed to send the ${req.template} email: ${reason}`.slice(0, 500),
      userId: req.userId,
      userName: req.to,
      clientId: req.clientId,
      details: { template: req.template, attempts },
    });
    return { sent: false, reason };
  }

  private async send(smtp: SmtpSettings, message: { from: string; to: string; subject: string; html: string }): Promise<void> {
    const transport = createTransport({
      host: smtp.host,
      port: smtp.port,
      // 465 is TLS from the first byte; elsewhere STARTTLS is used whenever the relay offers it.
      secure: smtp.port === 465,
      auth: smtp.user ? { user: smtp.user, pass: smtp.pass ?? '' } : undefined,
      tls: { rejectUnauthorized: true, servername: smtp.host },
      connectionTimeout: 10000,
      greetingTimeout: 10000,
      socketTimeout: 30000,
    });
    try {
      await transport.sendMail({ ...message, text: textOf(message.html) });
    } finally {
      transport.close();
    }
  }
}

function reasonOf(e: unknown): string {
  return (e instanceof Error ? e.message : String(e)).slice(0, 300);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}
