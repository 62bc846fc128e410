import { Global, Module, type DynamicModule } from '@nestjs/common';
import type { DestinationStream } from 'pino';
import type { AppConfig } from '../config/app-config.js';
import { createLogger, PinoNestLogger } from './logger.js';

@Global()
@Module({})
export class LoggingModule {
  /** `destination` lets a test read the lines; otherwise stdout (or pino-pretty). */
  static forRoot(config: AppConfig, destination?: DestinationStream): DynamicModule {
    const logger = new PinoNestLogger(createLogger(config, destination));
    return { module: LoggingModule, providers: [{ provide: PinoNestLogger, useValue: logger }], exports: [PinoNestLogger] };
  }
}
