import { parseBasicCredentials, requestClientId } from './basic-credentials.js';

const basic = (raw: string) => `Basic ${Buffer.from(raw).toString('base64')}`;

describe('HTTP Basic client credentials', () => {
  it('form-decodes id and secret (RFC 6749 §2.3.1), so every encoding of an id is the same id', () => {
    for (const id of ['my-client', 'my%2Dclient', 'my%2dclient', 'm%79-client']) {
      expect(parseBasicCredentials(basic(`${id}:s%3Acret+x`))).toEqual({ id: 'my-client', secret: 's:cret x' });
    }
  });

  it('refuses what is not Basic credentials', () => {
    for (const header of [undefined, 'Bearer abc', 'Basic !!!', basic('no-colon'), basic('bad%escape:x'), 'Basic']) {
      expect(parseBasicCredentials(header)).toBeUndefined();
    }
  });

  it('names the client of a request: the body client_id first, else the decoded Basic id', () => {
    expect(requestClientId({ client_id: 'from-body' }, basic('my%2Dclient:x'))).toBe('from-body');
    expect(requestClientId({}, basic('my%2Dclient:x'))).toBe('my-client');
    expect(requestClientId({ client_id: ['a', 'b'] }, undefined)).toBeUndefined();
    expect(requestClientId(undefined, basic(':x'))).toBeUndefined();
  });
});
