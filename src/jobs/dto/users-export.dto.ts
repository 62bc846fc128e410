import { ArrayProperty, EnumProperty, IntegerProperty, StringProperty } from '../../common/validation.js';
import { EXPORT_PATH } from '../export-format.js';

export class ExportFieldDto {
  @StringProperty({
    required: true,
    minLength: 1,
    maxLength: 256,
    pattern: EXPORT_PATH,
    patternMessage: 'fields[].name must be a profile attribute path such as email, user_metadata.plan or identities[0].connection',
  })
  name: string;

  @StringProperty({ minLength: 1, maxLength: 256 })
  export_as?: string;
}

/** POST /api/v2/jobs/users-exports */
export class UsersExportDto {
  @StringProperty({ minLength: 1, maxLength: 64 })
  connection_id?: string;

  @EnumProperty(['json', 'csv'])
  format?: 'json' | 'csv';

  @IntegerProperty({ minimum: 1, maximum: 10_000_000 })
  limit?: number;

  @ArrayProperty({ minItems: 1, maxItems: 100, items: ExportFieldDto })
  fields?: ExportFieldDto[];
}
