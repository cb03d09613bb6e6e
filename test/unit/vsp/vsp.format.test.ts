import { negotiate, parseContentType, requestFormatOf } from '../../../src/inbound/vsp/vsp.format';

describe('VSP request formats (spec: Request Formats)', () => {
  it.each([
    ['application/json', 'json'],
    ['text/json; charset=utf-8', 'json'],
    ['Application/XML', 'xml'],
    ['text/xml; charset="UTF-8"', 'xml'],
    ['application/x-www-form-urlencoded', 'form'],
  ])('%s → %s', (header, format) => {
    expect(requestFormatOf(parseContentType(header))).toBe(format);
  });

  it.each([['text/plain'], ['application/problem+json'], ['multipart/form-data; boundary=x'], ['application/json; charset=utf-16'], ['']])('%p is not read', (header) => {
    expect(requestFormatOf(parseContentType(header))).toBeUndefined();
  });
});

describe('Accept negotiation as ASP.NET Web API does it', () => {
  const answer = (contentType: string, accept?: string) => negotiate({ 'content-type': contentType, ...(accept === undefined ? {} : { accept }) });

  it('follows the request format when Accept states no preference', () => {
    expect(answer('text/xml')).toEqual({ format: 'xml', contentType: 'text/xml; charset=utf-8' });
    expect(answer('application/json', '*/*')).toEqual({ format: 'json', contentType: 'application/json; charset=utf-8' });
    expect(answer('application/x-www-form-urlencoded')).toEqual({ format: 'json', contentType: 'application/json; charset=utf-8' });
    expect(answer('text/plain', 'image/png')).toEqual({ format: 'json', contentType: 'application/json; charset=utf-8' });
  });

  it('takes the highest q among the types it writes; q=0 excludes; ties go to the request format', () => {
    expect(answer('application/json', 'application/xml;q=0.9, text/json;q=0.1').format).toBe('xml');
    expect(answer('application/xml', 'application/xml;q=0, application/json;q=0.1').format).toBe('json');
    expect(answer('application/xml', 'application/json, application/xml').format).toBe('xml');
    expect(answer('application/x-www-form-urlencoded', 'text/xml, text/json').contentType).toBe('text/json; charset=utf-8');
  });
});
