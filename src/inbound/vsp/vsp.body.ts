import { isUtf8 } from 'node:buffer';
import { GatewayError, invalid } from '../../core/errors';
import { MAX_USER_DATA_DEPTH } from '../../core/user-data';
import { parseForm } from '../../http/form';
import { parseJson } from '../../http/json';
import { readXmlDataContract } from '../../http/xml-read';
import { parseContentType, requestFormatOf } from './vsp.format';
import { VSP_NAMESPACE } from './vsp.mapper';
import { bindByName, bindXml, fromJsonValue, type BoundFields } from './vsp.schema';

const ROOT = 'CreateVspInteraction';
/** One text node: far beyond any key, identity or name, far below the body limit. */
const MAX_XML_TEXT = 64 * 1024;
/** A media type worth quoting back in a 415; anything else is not repeated. */
const PLAIN_MIME = /^[a-z0-9][a-z0-9!#$&^_.+-]{0,63}\/[a-z0-9][a-z0-9!#$&^_.+-]{0,63}$/;

function unsupportedMediaType(mime: string | undefined): GatewayError {
  const named = mime !== undefined && PLAIN_MIME.test(mime) ? ` '${mime}'` : '';
  return new GatewayError('invalid_request', `The request entity's media type${named} is not supported for this resource.`, {
    reason: 'unsupported_media_type',
  });
}

/**
 * The CreateVspInteraction members of a body in any of the spec's request formats (JSON, XML, form), by the
 * Content-Type; any other media type is 415. Parsing is bounded as in every dialect (server.bodyLimit before this,
 * maxFields and depth here); XML goes through the DTD-free reader.
 */
export function bindCreateBody(body: Buffer, contentTypeHeader: string | undefined, maxFields: number): BoundFields {
  if (body.length === 0) throw invalid('The request is invalid: a CreateVspInteraction body is required.');
  const contentType = parseContentType(contentTypeHeader);
  const format = requestFormatOf(contentType);
  switch (format) {
    case 'json': {
      const value = parseJson(body, maxFields);
      if (typeof value !== 'object' || value === null || Array.isArray(value)) throw invalid('The request is invalid: the body must be a CreateVspInteraction object.');
      return bindByName(Object.entries(value as Record<string, unknown>).map(([name, v]) => [name, fromJsonValue(v)]));
    }
    case 'form': {
      // Bytes that are not UTF-8 are refused rather than stored as U+FFFD, as in every dialect.
      if (!isUtf8(body)) throw invalid('Form body is not valid UTF-8');
      const form = parseForm(body.toString('utf8'), maxFields);
      return bindByName(Object.entries(form).map(([name, v]) => [name, typeof v === 'string' ? { kind: 'text', value: v } : { kind: 'complex' }]));
    }
    case 'xml': {
      const doc = readXmlDataContract(body, { maxFields, maxDepth: MAX_USER_DATA_DEPTH + 1, maxText: MAX_XML_TEXT });
      if (doc.root.name !== ROOT || (doc.root.namespace !== VSP_NAMESPACE && doc.root.namespace !== '')) {
        throw invalid(`The request is invalid: the XML root element must be ${ROOT} in namespace ${VSP_NAMESPACE} or in none.`);
      }
      return bindXml(doc);
    }
    default:
      throw unsupportedMediaType(contentType?.mime);
  }
}
