import { Inject, Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import type { AppConfig } from '../config/app-config.js';
import { APP_CONFIG } from '../config/config.module.js';
import { ConnectionsService } from '../connections/connections.service.js';
import { DbService } from '../database/db.service.js';
import { ManagementError } from '../errors/api-error.js';
import { SecretsService } from '../keys/secrets.service.js';
import type { TenantContext } from '../tenants/tenant-context.js';
import type { UsersExportDto } from './dto/users-export.dto.js';
import { DEFAULT_EXPORT_FIELDS } from './export-format.js';
import { JobErrorEntity } from './job-error.entity.js';
import { JobFileEntity } from './job-file.entity.js';
import { JobRunner } from './job-runner.service.js';
import { JobEntity, newJob } from './job.entity.js';
import { toJobResponse, type JobParams, type JobResponse } from './job.mapper.js';
import type { UsersUpload } from './users-upload.js';

/** How long a download link handed out by GET /api/v2/jobs/{id} stays valid. */
const LINK_TTL_SECONDS = 600;
const LINK_PURPOSE = 'users-export-download';
const IMPORT_FIELDS = ['connection_id', 'upsert', 'external_id', 'send_completion_email'];

const badRequest = (message: string) => ManagementError.badRequest(`Payload validation error: ${message}`);
const noJob = () => ManagementError.notFound('The job does not exist.', 'inexistent_job');
const badLink = () => new ManagementError(403, 'invalid_signature', 'The download link is invalid or has expired.');

function flag(fields: Record<string, unknown>, name: string, absent = false): boolean {
  const v = fields[name];
  if (v === undefined) {
    return absent;
  }
  if (v === 'false') {
    return false;
  }
  if (v === 'true') {
    return true;
  }
  throw badRequest(`${name} must be true or false.`);
}

/** The users import and export jobs of the Management API; the work itself is done by JobRunner. */
@Injectable()
export class JobsService {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @InjectRepository(JobEntity) private readonly jobs: Repository<JobEntity>,
    @InjectRepository(JobErrorEntity) private readonly errors: Repository<JobErrorEntity>,
    @InjectRepository(JobFileEntity) private readonly files: Repository<JobFileEntity>,
    private readonly db: DbService,
    private readonly connections: ConnectionsService,
    private readonly secrets: SecretsService,
    private readonly runner: JobRunner,
  ) {}

  get uploadLimit(): number {
    return this.config.usersImportMaxBytes;
  }

  /** Checks the whole request, then stores the job and its file in one transaction; nothing is stored on a 400. */
  async startImport(tenant: TenantContext, upload: UsersUpload): Promise<JobResponse> {
    const { fields } = upload;
    const unknown = Object.keys(fields).find((k) => !IMPORT_FIELDS.includes(k));
    if (unknown !== undefined) {
      throw badRequest(`unknown field ${unknown.slice(0, 60)}.`);
    }
    if (!upload.file) {
      throw badRequest('the users file is required (a multipart file part named users).');
    }
    const connectionId = fields.connection_id;
    if (typeof connectionId !== 'string' || connectionId === '') {
      throw badRequest('connection_id is required.');
    }
    const upsert = flag(fields, 'upsert');
    // Auth0's default: the tenant owners are told when the import ends.
    const sendCompletionEmail = flag(fields, 'send_completion_email', true);
    const externalId = fields.external_id;
    if (externalId !== undefined && (typeof externalId !== 'string' || externalId.length > 255)) {
      throw badRequest('external_id must be a string of at most 255 characters.');
    }
    const connection = await this.databaseConnection(tenant, connectionId);
    let rows: unknown;
    try {
      // A byte order mark, as some editors write, is not part of the JSON.
      rows = JSON.parse(upload.file.toString('utf8').replace(/^\uFEFF/, ''));
    } catch {
      throw badRequest('the users file must hold a JSON array of users.');
    }
    if (!Array.isArray(rows) || rows.length === 0) {
      throw badRequest('the users file must hold a non-empty JSON array of users.');
    }
    const params: JobParams = { upsert, send_completion_email: sendCompletionEmail };
    const job = newJob(tenant.id, 'users_import', {
      connectionId,
      params: JSON.stringify(params),
      externalId: (externalId as string | undefined) ?? null,
      completionMail: sendCompletionEmail ? 'pending' : null,
    });
    job.summary = JSON.stringify({ total: rows.length, inserted: 0, updated: 0, failed: 0 });
    await this.db.write(async (em) => {
      await em.insert(JobEntity, job);
      await em.insert(JobFileEntity, { jobId: job.id, tenantId: tenant.id, kind: 'input', body: JSON.stringify(rows) });
    });
    this.runner.wake();
    return toJobResponse(job, { connection });
  }

  async startExport(tenant: TenantContext, dto: UsersExportDto): Promise<JobResponse> {
    // Without connection_id, Auth0 exports the users of every connection.
    const connection = dto.connection_id === undefined ? undefined : await this.databaseConnection(tenant, dto.connection_id);
    const params: JobParams = {
      format: dto.format ?? 'json',
      fields: (dto.fields ?? DEFAULT_EXPORT_FIELDS).map((f) => ({ name: f.name, ...(f.export_as ? { export_as: f.export_as } : {}) })),
      ...(dto.limit !== undefined ? { limit: dto.limit } : {}),
    };
    const job = newJob(tenant.id, 'users_export', { connectionId: dto.connection_id ?? null, params: JSON.stringify(params) });
    await this.db.write((em) => em.insert(JobEntity, job));
    this.runner.wake();
    return toJobResponse(job, { connection });
  }

  async get(tenant: TenantContext, id: string): Promise<JobResponse> {
    const job = await this.find(tenant, id);
    const location = job.type === 'users_export' && job.status === 'completed' ? this.downloadLink(tenant, job) : undefined;
    const connection = job.connectionId ? (await this.connections.findById(tenant.id, job.connectionId))?.name : undefined;
    return toJobResponse(job, { location, connection });
  }

  /** The failed rows of an import; undefined (204) when there are none, the job itself when it failed as a whole. */
  async errorsOf(tenant: TenantContext, id: string): Promise<unknown[] | JobResponse | undefined> {
    const job = await this.find(tenant, id);
    const rows = await this.errors.find({ where: { jobId: job.id }, order: { rowIndex: 'ASC' } });
    if (rows.length > 0) {
      return rows.map((r) => JSON.parse(r.body) as unknown);
    }
    return job.status === 'failed' ? toJobResponse(job) : undefined;
  }

  /** The gzipped export behind a signed link: the signature is checked (constant time) before anything is read. */
  async download(tenant: TenantContext, name: string, expires: unknown, signature: unknown): Promise<{ body: Buffer; filename: string }> {
    const m = /^(job_[A-Za-z0-9]{16})\.(json|csv)\.gz$/.exec(name);
    if (!m || typeof expires !== 'string' || !/^\d{1,12}$/.test(expires) || typeof signature !== 'string' || signature.length > 100) {
      throw badLink();
    }
    if (!this.secrets.hasSignature(this.linkPayload(tenant, m[1], m[2], expires), signature, LINK_PURPOSE)) {
      throw badLink();
    }
    if (Number(expires) < Math.floor(Date.now() / 1000)) {
      throw badLink();
    }
    const file = await this.files.findOne({ where: { jobId: m[1], kind: 'result' } });
    if (!file) {
      throw ManagementError.notFound('The export file no longer exists.', 'inexistent_job');
    }
    return { body: Buffer.from(file.body, 'base64'), filename: name };
  }

  private downloadLink(tenant: TenantContext, job: JobEntity): string {
    const format = JSON.parse(job.params ?? '{}').format === 'csv' ? 'csv' : 'json';
    const expires = String(Math.floor(Date.now() / 1000) + LINK_TTL_SECONDS);
    const signature = this.secrets.sign(this.linkPayload(tenant, job.id, format, expires), LINK_PURPOSE);
    const url = new URL(`jobs/exports/${job.id}.${format}.gz`, tenant.issuer);
    url.search = new URLSearchParams({ expires, signature }).toString();
    return url.href;
  }

  private linkPayload(tenant: TenantContext, jobId: string, format: string, expires: string): string {
    return `${tenant.id}\n${jobId}\n${format}\n${expires}`;
  }

  private async find(tenant: TenantContext, id: string): Promise<JobEntity> {
    const job = id.length <= 32 ? await this.jobs.findOne({ where: { tenantId: tenant.id, id } }) : null;
    if (!job) {
      throw noJob();
    }
    return job;
  }

  /** The connection's name, as Auth0 shows it beside `connection_id`. */
  private async databaseConnection(tenant: TenantContext, id: string): Promise<string> {
    const connection = id.length <= 64 ? await this.connections.findById(tenant.id, id) : undefined;
    if (!connection || connection.strategy !== 'auth0') {
      throw ManagementError.badRequest(
        `The connection ${id.slice(0, 64)} does not exist or is not a database connection.`,
        'inexistent_connection',
      );
    }
    return connection.name;
  }
}
