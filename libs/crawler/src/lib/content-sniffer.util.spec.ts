import {
  charsetOf,
  decodeText,
  isPossiblyExtractable,
  mediaTypeOf,
  routeContent,
} from './content-sniffer.util';

const bytes = (text: string) => Buffer.from(text, 'latin1');
const PNG = Buffer.from('89504e470d0a1a0a0000', 'hex');

describe('content routing', () => {
  it('reads media type and charset', () => {
    expect(mediaTypeOf('Text/HTML; Charset="ISO-8859-1"')).toBe('text/html');
    expect(charsetOf('Text/HTML; Charset="ISO-8859-1"')).toBe('iso-8859-1');
    expect(mediaTypeOf(undefined)).toBe('');
  });

  it('refuses obviously unsupported types before the body is read', () => {
    expect(isPossiblyExtractable('image/png')).toBe(false);
    expect(isPossiblyExtractable('application/json')).toBe(false);
    expect(isPossiblyExtractable('video/mp4')).toBe(false);
    for (const type of [
      'text/html',
      'application/xhtml+xml',
      'text/plain',
      'application/pdf',
      'application/octet-stream',
      undefined,
    ]) {
      expect(isPossiblyExtractable(type)).toBe(true);
    }
  });

  it.each([
    ['text/html', '<p>hi</p>', 'html'],
    ['application/xhtml+xml', '<html/>', 'html'],
    ['text/plain', 'hello', 'text'],
    ['application/pdf', '%PDF-1.7 ...', 'pdf'],
    ['application/octet-stream', '%PDF-1.4 ...', 'pdf'],
    ['text/html', '%PDF-1.4 ...', 'pdf'],
    [undefined, '<!DOCTYPE html><html></html>', 'html'],
    [undefined, 'just some words', 'text'],
    ['application/octet-stream', 'just some words', 'unsupported'],
    [
      'application/xml',
      '<?xml version="1.0"?><html xmlns="http://www.w3.org/1999/xhtml"></html>',
      'html',
    ],
    ['application/xml', '<?xml version="1.0"?><feed></feed>', 'unsupported'],
    ['application/json', '{}', 'unsupported'],
    [undefined, 'bin\u0000ary', 'unsupported'],
  ])('routes %p with body %p to %s', (type, body, kind) => {
    expect(routeContent(type, bytes(body)).kind).toBe(kind);
  });

  it('trusts magic bytes over a lying header', () => {
    expect(routeContent('text/html', PNG)).toEqual({
      kind: 'unsupported',
      contentType: 'text/html',
    });
  });
});

describe('decodeText', () => {
  it('uses the header charset, then <meta charset>, then UTF-8', () => {
    expect(decodeText(Buffer.from('caf\xe9', 'latin1'), 'iso-8859-1', false)).toBe('café');
    expect(
      decodeText(Buffer.from('<meta charset="windows-1252">caf\xe9', 'latin1'), null, true),
    ).toContain('café');
    expect(decodeText(Buffer.from('café'), null, true)).toBe('café');
    expect(decodeText(Buffer.from('café'), 'no-such-charset', true)).toBe('café');
  });

  it('honours a byte order mark', () => {
    expect(decodeText(Buffer.from([0xff, 0xfe, 0x68, 0x00, 0x69, 0x00]), 'iso-8859-1', false)).toBe(
      'hi',
    );
  });
});
