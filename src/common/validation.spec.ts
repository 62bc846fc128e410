import { plainToInstance } from 'class-transformer';
import { validate } from 'class-validator';
import {
  ArrayProperty,
  assertMinProperties,
  BooleanProperty,
  EnumProperty,
  IntegerProperty,
  jsonType,
  StringProperty,
  validationMessage,
} from './validation.js';

class ItemDto {
  @StringProperty({ required: true, minLength: 1 })
  value: string;
}

class SampleDto {
  @StringProperty({ required: true, maxLength: 5, pattern: /^[a-z]+$/ })
  code: string;

  @IntegerProperty({ minimum: 1, maximum: 10 })
  count?: number;

  @BooleanProperty()
  flag?: boolean;

  @EnumProperty(['a', 'b'])
  kind?: string;

  @ArrayProperty({ items: ItemDto })
  items?: ItemDto[];
}

/** What the Management ValidationPipe would answer for `body`. */
async function messageFor(body: object): Promise<string | undefined> {
  const errors = await validate(plainToInstance(SampleDto, body), {
    whitelist: true,
    forbidNonWhitelisted: true,
    forbidUnknownValues: true,
  });
  return errors.length ? validationMessage(errors) : undefined;
}

describe('Management body validation messages (Auth0 / JSON-schema wording)', () => {
  it('names JSON types as JSON schema does', () => {
    expect([null, [], 1, 1.5, 'x', true, {}].map(jsonType)).toEqual(['null', 'array', 'integer', 'number', 'string', 'boolean', 'object']);
  });

  it.each([
    [{ code: 'ok' }, undefined],
    [{}, "Payload validation error: 'Missing required property: code' on property code."],
    [{ code: null }, "Payload validation error: 'Expected type string but found type null' on property code."],
    [{ code: 'toolong' }, "Payload validation error: 'String is too long (7 chars), maximum 5' on property code."],
    [{ code: 'UP' }, "Payload validation error: 'String does not match pattern ^[a-z]+$' on property code."],
    [{ code: 'ok', count: 0 }, "Payload validation error: 'Value 0 is less than minimum 1' on property count."],
    [{ code: 'ok', count: 11 }, "Payload validation error: 'Value 11 is greater than maximum 10' on property count."],
    [{ code: 'ok', count: 2.5 }, "Payload validation error: 'Expected type integer but found type number' on property count."],
    [{ code: 'ok', flag: 'yes' }, "Payload validation error: 'Expected type boolean but found type string' on property flag."],
    [{ code: 'ok', kind: 'c' }, 'Payload validation error: \'No enum match for: "c"\' on property kind.'],
    [
      { code: 'ok', items: [{ value: 'a' }, {}] },
      "Payload validation error: 'Missing required property: value' on property items[1].value.",
    ],
    [{ code: 'ok', items: [5] }, "Payload validation error: 'Expected type object but found type integer' on property items[0]."],
    [{ code: 'ok', x: 1, y: 2 }, "Payload validation error: 'Additional properties not allowed: x,y'."],
    [
      { code: 'ok', items: [{ value: 'a', z: 1 }] },
      "Payload validation error: 'Additional properties not allowed: z' on property items[0].",
    ],
  ])('%j -> %s', async (body, message) => {
    expect(await messageFor(body)).toBe(message);
  });

  it("refuses a patch that names no field, as Auth0's minProperties does", () => {
    expect(() => assertMinProperties({}, 1)).toThrow("Payload validation error: 'Too few properties defined (0), minimum 1'.");
    expect(() => assertMinProperties({ a: undefined }, 1)).toThrow();
    expect(() => assertMinProperties({ a: '' }, 1)).not.toThrow();
  });
});
