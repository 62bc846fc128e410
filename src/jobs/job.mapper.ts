import type { JobEntity } from './job.entity.js';

export interface ExportField {
  name: string;
  export_as?: string;
}

/** Options stored with a job (`params`), by type. */
export interface JobParams {
  upsert?: boolean;
  send_completion_email?: boolean;
  format?: 'json' | 'csv';
  fields?: ExportField[];
  limit?: number;
}

export interface JobSummary {
  total: number;
  inserted: number;
  updated: number;
  failed: number;
}

export interface JobResponse {
  id: string;
  type: string;
  status: string;
  created_at: string;
  connection_id?: string;
  connection?: string;
  external_id?: string;
  format?: string;
  fields?: ExportField[];
  limit?: number;
  upsert?: boolean;
  summary?: JobSummary;
  percentage_done?: number;
  location?: string;
  status_details?: string;
}

export function paramsOf(e: JobEntity): JobParams {
  return e.params ? (JSON.parse(e.params) as JobParams) : {};
}

export function summaryOf(e: JobEntity): JobSummary | undefined {
  return e.summary ? (JSON.parse(e.summary) as JobSummary) : undefined;
}

/**
 * Auth0's job body, field by field. The caller gives what is not in the row: the connection's name, and
 * `location` (a signed link, made per request).
 */
export function toJobResponse(e: JobEntity, extra: { connection?: string; location?: string } = {}): JobResponse {
  const { connection, location } = extra;
  const params = paramsOf(e);
  const body: JobResponse = { id: e.id, type: e.type, status: e.status, created_at: e.createdAt };
  if (e.connectionId) {
    body.connection_id = e.connectionId;
  }
  if (connection) {
    body.connection = connection;
  }
  if (e.externalId) {
    body.external_id = e.externalId;
  }
  if (e.type === 'users_import') {
    body.upsert = params.upsert ?? false;
    const summary = summaryOf(e);
    if (summary && e.status !== 'pending') {
      body.summary = summary;
      if (e.status === 'processing' && summary.total > 0) {
        body.percentage_done = Math.floor((100 * e.position) / summary.total);
      }
    }
  }
  if (e.type === 'users_export') {
    body.format = params.format;
    body.fields = params.fields;
    if (params.limit !== undefined) {
      body.limit = params.limit;
    }
    if (location) {
      body.location = location;
    }
  }
  if (e.statusDetails) {
    body.status_details = e.statusDetails;
  }
  return body;
}
