import { Type } from 'class-transformer';
import { IsObject, ValidateNested } from 'class-validator';
import { ArrayProperty, BooleanProperty, EnumProperty, IsOptionalButNotNull, StringProperty } from '../../common/validation.js';
import { ReadOnlyEcho } from '../../common/read-only-fields.js';
import { LOG_STREAM_CATEGORIES } from '../log-stream-categories.js';

export const CONTENT_FORMATS = ['JSONLINES', 'JSONARRAY', 'JSONOBJECT'] as const;

export class HttpCustomHeaderDto {
  @StringProperty({
    required: true,
    minLength: 1,
    maxLength: 256,
    pattern: /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/,
    patternMessage: 'header must be an HTTP header name',
  })
  header: string;

  @StringProperty({ required: true, maxLength: 4096, pattern: /^[^\r\n\0]*$/, patternMessage: 'value must not hold line breaks' })
  value: string;
}

/** The sink fields a PATCH may change one by one. */
class HttpSinkFieldsDto {
  @StringProperty({ maxLength: 255, pattern: /^[^\r\n\0]*$/, patternMessage: 'httpContentType must not hold line breaks' })
  httpContentType?: string;

  @EnumProperty(CONTENT_FORMATS)
  httpContentFormat?: (typeof CONTENT_FORMATS)[number];

  @StringProperty({ maxLength: 4096, pattern: /^[^\r\n\0]*$/, patternMessage: 'httpAuthorization must not hold line breaks' })
  httpAuthorization?: string;

  @ArrayProperty({ maxItems: 20, items: HttpCustomHeaderDto })
  httpCustomHeaders?: HttpCustomHeaderDto[];
}

/** Auth0's LogStreamHttpSink. */
export class HttpSinkDto extends HttpSinkFieldsDto {
  @StringProperty({ required: true, minLength: 1, maxLength: 2048 })
  httpEndpoint: string;
}

/** A PATCH's sink: every field optional. */
export class PartialHttpSinkDto extends HttpSinkFieldsDto {
  @StringProperty({ minLength: 1, maxLength: 2048 })
  httpEndpoint?: string;
}

export class LogStreamFilterDto {
  @EnumProperty(['category'], { required: true })
  type: 'category';

  @EnumProperty(LOG_STREAM_CATEGORIES, { required: true })
  name: string;
}

/** The fields POST and PATCH share. */
class LogStreamFieldsDto {
  @StringProperty({ maxLength: 255 })
  name?: string;

  @BooleanProperty()
  isPriority?: boolean;

  @ArrayProperty({ maxItems: 50, items: LogStreamFilterDto })
  filters?: LogStreamFilterDto[];

  /** Accepted by Auth0; Tessera refuses it with a clear error rather than ignore it. */
  @IsOptionalButNotNull()
  @IsObject()
  pii_config?: Record<string, unknown>;
}

/** POST /api/v2/log-streams (CreateLogStreamHttpRequestBody). */
export class CreateLogStreamDto extends LogStreamFieldsDto {
  @StringProperty({ required: true })
  type: string;

  @IsOptionalButNotNull()
  @IsObject()
  @ValidateNested()
  @Type(() => HttpSinkDto)
  sink: HttpSinkDto;

  /** ISO 8601: deliver events from this time on (default: from creation). */
  @StringProperty({ maxLength: 40 })
  startFrom?: string;

  /** Read back from a GET: a new stream gets its own id, and starts active (see ReadOnlyEcho). */
  @ReadOnlyEcho()
  id?: unknown;

  @ReadOnlyEcho()
  status?: unknown;
}

/** PATCH /api/v2/log-streams/{id}. */
export class UpdateLogStreamDto extends LogStreamFieldsDto {
  /** Read back from a GET: accepted when unchanged (see ReadOnlyEcho). */
  @ReadOnlyEcho()
  id?: unknown;

  @ReadOnlyEcho()
  type?: unknown;

  @EnumProperty(['active', 'paused', 'suspended'])
  status?: 'active' | 'paused' | 'suspended';

  @IsOptionalButNotNull()
  @IsObject()
  @ValidateNested()
  @Type(() => PartialHttpSinkDto)
  sink?: PartialHttpSinkDto;
}
