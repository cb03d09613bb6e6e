import { request as httpRequest, type Agent, type IncomingHttpHeaders } from 'node:http';

export interface Answer {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
  json: any;
}

export interface CallOptions {
  method?: string;
  headers?: Record<string, string>;
  /** A string or Buffer is sent with a Content-Length; an array is sent chunked, one write per element. */
  body?: string | Buffer | string[];
  agent?: Agent | false;
}

/** node:http, so the request goes out exactly as written (no path normalising, chosen framing). */
export function call(gw: { url: string }, path: string, options: CallOptions = {}): Promise<Answer> {
  const { hostname, port } = new URL(gw.url);
  const { body } = options;
  const headers = { ...options.headers };
  if (Array.isArray(body)) headers['transfer-encoding'] = 'chunked';
  return new Promise((resolve, reject) => {
    const req = httpRequest({ hostname, port, path, method: options.method ?? (body === undefined ? 'GET' : 'POST'), headers, agent: options.agent ?? false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let json: unknown;
        try {
          json = JSON.parse(text);
        } catch {
          json = undefined;
        }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json });
      });
    });
    // The server may answer 413 and stop reading while chunks are still being written.
    req.on('error', reject);
    if (Array.isArray(body)) {
      for (const chunk of body) req.write(chunk);
      req.end();
    } else req.end(body);
  });
}
