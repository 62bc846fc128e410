import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ConnectionsModule } from '../connections/connections.module.js';
import { DatabaseModule } from '../database/database.module.js';
import { EmailsModule } from '../emails/emails.module.js';
import { KeysModule } from '../keys/keys.module.js';
import { RolesModule } from '../roles/roles.module.js';
import { UsersModule } from '../users/users.module.js';
import { ImportCompletionMails } from './import-completion-mail.js';
import { JobRunner } from './job-runner.service.js';
import { JobErrorEntity } from './job-error.entity.js';
import { JobFileEntity } from './job-file.entity.js';
import { JobEntity } from './job.entity.js';
import { JobDownloadsController, JobsController } from './jobs.controller.js';
import { JobsService } from './jobs.service.js';

/** Users import and export jobs (issue 18), run in the background by JobRunner; GET /api/v2/jobs/{id} for every job. */
@Module({
  imports: [
    TypeOrmModule.forFeature([JobEntity, JobFileEntity, JobErrorEntity]),
    DatabaseModule,
    KeysModule,
    UsersModule,
    ConnectionsModule,
    EmailsModule,
    RolesModule,
  ],
  controllers: [JobsController, JobDownloadsController],
  providers: [JobsService, JobRunner, ImportCompletionMails],
})
export class JobsModule {}
