import { Module } from '@nestjs/common';
import { UnsupportedResourcesController } from './unsupported-resources.controller.js';

/** Auth0 resources Tessera lacks: empty reads, refused writes (see unsupported-resources.ts). */
@Module({ controllers: [UnsupportedResourcesController] })
export class UnsupportedResourcesModule {}
