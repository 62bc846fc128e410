import { csvHeader, csvLine, isExportPath, jsonLine, valueAt } from './export-format.js';

const user = {
  user_id: 'auth0|1',
  email: 'a@example.com',
  name: 'Ann, "the" first',
  identities: [{ connection: 'db', provider: 'auth0' }],
  user_metadata: { plan: 'gold', nested: { x: 1 } },
};

describe('export format', () => {
  it('reads dotted and indexed paths, and nothing past a missing step', () => {
    expect(valueAt(user, 'user_metadata.plan')).toBe('gold');
    expect(valueAt(user, 'identities[0].connection')).toBe('db');
    expect(valueAt(user, 'identities[1].connection')).toBeUndefined();
    expect(valueAt(user, 'user_metadata.none.deeper')).toBeUndefined();
    expect(valueAt(user, 'constructor')).toBeUndefined();
    expect(isExportPath('identities[0].connection')).toBe(true);
    expect(isExportPath('a..b')).toBe(false);
    expect(isExportPath('__proto__[x]')).toBe(false);
  });

  it('JSON lines keep only the asked fields, under export_as, and skip absent ones', () => {
    const line = jsonLine(user, [
      { name: 'user_id', export_as: 'id' },
      { name: 'email' },
      { name: 'nickname' },
      { name: 'user_metadata.plan' },
    ]);
    expect(line.endsWith('\n')).toBe(true);
    expect(JSON.parse(line)).toEqual({ id: 'auth0|1', email: 'a@example.com', 'user_metadata.plan': 'gold' });
  });

  it('CSV has a header of export_as names and RFC 4180 quoting', () => {
    const fields = [{ name: 'user_id', export_as: 'Id' }, { name: 'name' }, { name: 'user_metadata' }, { name: 'nickname' }];
    expect(csvHeader(fields)).toBe('Id,name,user_metadata,nickname\r\n');
    expect(csvLine(user, fields)).toBe('auth0|1,"Ann, ""the"" first","{""plan"":""gold"",""nested"":{""x"":1}}",\r\n');
  });
});
