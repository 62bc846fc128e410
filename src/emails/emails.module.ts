import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DatabaseModule } from '../database/database.module.js';
import { KeysModule } from '../keys/keys.module.js';
import { LogsModule } from '../logs/logs.module.js';
import { EmailProviderEntity } from './email-provider.entity.js';
import { EmailProviderService } from './email-provider.service.js';
import { EmailTemplateEntity } from './email-template.entity.js';
import { EmailTemplatesService } from './email-templates.service.js';
import { EmailProviderController, EmailTemplatesController } from './emails.controller.js';
import { MailerService } from './mailer.service.js';

@Module({
  imports: [TypeOrmModule.forFeature([EmailProviderEntity, EmailTemplateEntity]), DatabaseModule, KeysModule, LogsModule],
  controllers: [EmailProviderController, EmailTemplatesController],
  providers: [EmailProviderService, EmailTemplatesService, MailerService],
  exports: [MailerService, EmailTemplatesService, EmailProviderService],
})
export class EmailsModule {}
