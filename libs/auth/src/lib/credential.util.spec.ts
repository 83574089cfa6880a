import { apiKeyFromHeaders, basicAuthPassword } from './credential.util';

describe('apiKeyFromHeaders', () => {
  it('reads a Bearer token first, then X-API-Key', () => {
    expect(apiKeyFromHeaders({ authorization: 'Bearer rt_abc' })).toBe('rt_abc');
    expect(apiKeyFromHeaders({ authorization: 'bearer   rt_abc  ' })).toBe('rt_abc');
    expect(apiKeyFromHeaders({ 'x-api-key': ' rt_xyz ' })).toBe('rt_xyz');
    expect(apiKeyFromHeaders({ authorization: 'Bearer rt_abc', 'x-api-key': 'rt_xyz' })).toBe(
      'rt_abc',
    );
  });

  it('finds no key in other schemes or empty headers', () => {
    expect(apiKeyFromHeaders({})).toBeNull();
    expect(apiKeyFromHeaders({ authorization: 'Basic YTpi' })).toBeNull();
    expect(apiKeyFromHeaders({ authorization: 'Bearer' })).toBeNull();
    expect(apiKeyFromHeaders({ authorization: 'Bearer two words' })).toBeNull();
    expect(apiKeyFromHeaders({ 'x-api-key': '   ' })).toBeNull();
  });
});

describe('basicAuthPassword', () => {
  const basic = (text: string) => ({
    authorization: `Basic ${Buffer.from(text).toString('base64')}`,
  });

  it('takes the password whatever the user name, colons in it included', () => {
    expect(basicAuthPassword(basic('admin:s3cret'))).toBe('s3cret');
    expect(basicAuthPassword(basic(':s3cret'))).toBe('s3cret');
    expect(basicAuthPassword(basic('admin:a:b'))).toBe('a:b');
  });

  it('finds none without a password or without Basic', () => {
    expect(basicAuthPassword(basic('admin'))).toBeNull();
    expect(basicAuthPassword(basic('admin:'))).toBeNull();
    expect(basicAuthPassword({ authorization: 'Bearer rt_abc' })).toBeNull();
    expect(basicAuthPassword({})).toBeNull();
  });
});

describe('credentials in repeated or odd headers', () => {
  const encode = (text: string) => Buffer.from(text, 'utf8').toString('base64');

  it('keeps UTF-8 in a Basic password and takes the scheme in any case', () => {
    expect(basicAuthPassword({ authorization: `basic ${encode('admin:pässwörd')}` })).toBe(
      'pässwörd',
    );
  });

  it('refuses repeated headers and non-base64 credentials', () => {
    expect(
      basicAuthPassword({
        authorization: [`Basic ${encode('a:one')}`, `Basic ${encode('a:two')}`],
      }),
    ).toBeNull();
    expect(basicAuthPassword({ authorization: 'Basic not base64!' })).toBeNull();
    expect(apiKeyFromHeaders({ authorization: ['Bearer rt_a', 'Bearer rt_b'] })).toBeNull();
    expect(apiKeyFromHeaders({ 'x-api-key': ['rt_a', 'rt_b'] })).toBeNull();
  });
});
