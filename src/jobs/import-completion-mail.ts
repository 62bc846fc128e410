import { Injectable, Logger } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { In, Repository } from 'typeorm';
import { ConnectionsService } from '../connections/connections.service.js';
import { DbService } from '../database/db.service.js';
import { MailerService } from '../emails/mailer.service.js';
import { RolesService } from '../roles/roles.service.js';
import { JobEntity } from './job.entity.js';
import { summaryOf } from './job.mapper.js';

const FINISHED = ['completed', 'failed'];
/** Due mails taken up per look; the rest wait for the next one. */
const BATCH = 20;

const escapeHtml = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');

/** The mail: the job, its connection, its status and counts; never a user's data. */
export function importCompletionMail(job: JobEntity, connection: string): { subject: string; html: string } {
  const s = summaryOf(job) ?? { total: 0, inserted: 0, updated: 0, failed: 0 };
  const lines = [
    `The users import job ${job.id} of tenant ${job.tenantId} has ${job.status === 'completed' ? 'completed' : 'failed'}.`,
    `Connection: ${connection}`,
    `Status: ${job.status}${job.statusDetails ? ` (${job.statusDetails})` : ''}`,
    `Users in the file: ${s.total}; inserted: ${s.inserted}; updated: ${s.updated}; failed: ${s.failed}.`,
  ];
  if (s.failed > 0) {
    lines.push(`The failed rows are listed by GET /api/v2/jobs/${job.id}/errors.`);
  }
  return {
    subject: `Users import ${job.id} ${job.status}`,
    html: lines.map((l) => `<p>${escapeHtml(l)}</p>`).join('\n'),
  };
}

/**
 * The completion mail of a users import (`send_completion_email`, on by default) to the tenant's owners:
 * the members of the admin role with an e-mail address. A finished job's mail is claimed with a
 * conditional UPDATE (`completion_mail` pending → claimed) before anything is sent, so it goes out at
 * most once whichever process finds it; sending then happens off the job runner's loop, and a mail
 * that fails is logged and never changes the job.
 */
@Injectable()
export class ImportCompletionMails {
  private readonly logger = new Logger('Jobs');

  constructor(
    @InjectRepository(JobEntity) private readonly jobs: Repository<JobEntity>,
    private readonly db: DbService,
    private readonly mailer: MailerService,
    private readonly roles: RolesService,
    private readonly connections: ConnectionsService,
  ) {}

  /**
   * Claims the mails of finished imports not sent yet and starts sending them; resolves once each is
   * claimed, the decision (relay, owners) taken before the claim, so only the sending itself is left.
   */
  async sendDue(): Promise<void> {
    const due = await this.jobs.find({
      where: { type: 'users_import', status: In(FINISHED), completionMail: 'pending' },
      order: { updatedAt: 'ASC' },
      take: BATCH,
    });
    for (const job of due) {
      const plan = await this.plan(job);
      const result = await this.db.write((em) =>
        em.update(JobEntity, { id: job.id, status: In(FINISHED), completionMail: 'pending' }, { completionMail: 'claimed' }),
      );
      if ((result.affected ?? 0) > 0 && plan) {
        void this.send(job, plan.owners, plan.mail);
      }
    }
  }

  /** To whom and what; undefined (logged at info) when there is no one to tell or no way to. */
  private async plan(job: JobEntity): Promise<{ owners: string[]; mail: { subject: string; html: string } } | undefined> {
    if (!(await this.mailer.canSend(job.tenantId))) {
      this.logger.log(`job ${job.id}: no completion mail, the tenant has no enabled email provider`);
      return undefined;
    }
    const owners = await this.roles.adminEmails(job.tenantId);
    if (owners.length === 0) {
      this.logger.log(`job ${job.id}: no completion mail, no member of the admin role has an email address`);
      return undefined;
    }
    const connection = job.connectionId ? await this.connections.findById(job.tenantId, job.connectionId) : undefined;
    return { owners, mail: importCompletionMail(job, connection?.name ?? job.connectionId ?? '') };
  }

  /** Never throws: a mail that fails is logged, and the job stays as it ended. */
  private async send(job: JobEntity, owners: string[], mail: { subject: string; html: string }): Promise<void> {
    await Promise.all(
      owners.map(async (to) => {
        const outcome = await this.mailer
          .sendNotice(job.tenantId, { to, ...mail })
          .catch((e: unknown) => ({ sent: false as const, reason: e instanceof Error ? e.message : String(e) }));
        if (!outcome.sent) {
          this.logger.warn(`job ${job.id}: the completion mail to an owner was not sent: ${outcome.reason}`);
        }
      }),
    );
  }
}
