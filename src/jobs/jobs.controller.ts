import { Body, Controller, Get, HttpCode, Param, Post, Query, Req, Res } from '@nestjs/common';
import { ApiBody, ApiConsumes } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { Scopes } from '../management/scopes.decorator.js';
import { Tenant, type TenantContext } from '../tenants/tenant-context.js';
import { UsersExportDto } from './dto/users-export.dto.js';
import { JobsService } from './jobs.service.js';
import { readUsersUpload } from './users-upload.js';

/** Auth0's users import and export jobs, and the job reads every job type shares. */
@Controller('api/v2/jobs')
export class JobsController {
  constructor(private readonly jobs: JobsService) {}

  @Post('users-imports')
  @HttpCode(201)
  @Scopes('create:users')
  // Read by multer, not a DTO: described here for the OpenAPI document.
  @ApiConsumes('multipart/form-data')
  @ApiBody({
    schema: {
      type: 'object',
      required: ['users', 'connection_id'],
      properties: {
        users: { type: 'string', format: 'binary', description: "A JSON array of users in Auth0's bulk-import schema" },
        connection_id: { type: 'string' },
        upsert: { type: 'boolean', default: false },
        external_id: { type: 'string', maxLength: 255 },
        send_completion_email: {
          type: 'boolean',
          description: 'Mail the tenant owners (admin role members) when the job ends (default true)',
        },
      },
    },
  })
  async usersImports(@Tenant() tenant: TenantContext, @Req() req: Request, @Res({ passthrough: true }) res: Response) {
    return this.jobs.startImport(tenant, await readUsersUpload(req, res, this.jobs.uploadLimit));
  }

  @Post('users-exports')
  @HttpCode(201)
  @Scopes('read:users')
  usersExports(@Tenant() tenant: TenantContext, @Body() body: UsersExportDto) {
    return this.jobs.startExport(tenant, body);
  }

  @Get(':id')
  @Scopes('create:users', 'read:users')
  get(@Tenant() tenant: TenantContext, @Param('id') id: string) {
    return this.jobs.get(tenant, id);
  }

  @Get(':id/errors')
  @Scopes('create:users', 'read:users')
  async errors(@Tenant() tenant: TenantContext, @Param('id') id: string, @Res({ passthrough: true }) res: Response) {
    const errors = await this.jobs.errorsOf(tenant, id);
    if (errors === undefined) {
      res.status(204);
    }
    return errors;
  }
}

/** The download link of a completed export (no Authorization header: the link's signature is the credential). */
@Controller('jobs/exports')
export class JobDownloadsController {
  constructor(private readonly jobs: JobsService) {}

  @Get(':name')
  async download(
    @Tenant() tenant: TenantContext,
    @Param('name') name: string,
    @Query('expires') expires: unknown,
    @Query('signature') signature: unknown,
    @Res({ passthrough: true }) res: Response,
  ) {
    const file = await this.jobs.download(tenant, name, expires, signature);
    res.setHeader('Content-Type', 'application/gzip');
    res.setHeader('Content-Disposition', `attachment; filename="${file.filename}"`);
    res.setHeader('Cache-Control', 'no-store');
    res.send(file.body);
  }
}
