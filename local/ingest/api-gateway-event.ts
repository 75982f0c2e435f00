import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { parseRequestTarget, type RequestTarget } from '../http/request-target.js';

// Content types API Gateway passes as text; anything else arrives base64-encoded.
const TEXT_TYPES = /^(text\/|application\/(json|[a-z0-9.+-]+\+json|javascript|xml|x-www-form-urlencoded))/i;
const utf8 = new TextDecoder('utf-8', { fatal: true });

function asText(body: Buffer): string | undefined {
  try {
    return utf8.decode(body);
  } catch {
    return undefined;
  }
}

/**
 * Builds the payload-v2 event API Gateway HTTP API would hand the handler for this request. `target` is the
 * request's parsed target (a request whose target is not origin-form is answered 400 before it gets here).
 */
export function toApiGatewayEvent(
  request: IncomingMessage,
  body: Buffer,
  routeKey: string,
  target: RequestTarget = parseRequestTarget(request.url) ?? { path: '/', query: '' },
  now: Date = new Date(),
): APIGatewayProxyEventV2 {
  const headers: Record<string, string> = {};
  for (let i = 0; i + 1 < request.rawHeaders.length; i += 2) {
    const name = (request.rawHeaders[i] as string).toLowerCase();
    const value = request.rawHeaders[i + 1] as string;
    // API Gateway joins repeated headers with commas.
    headers[name] = headers[name] === undefined ? value : `${headers[name]},${value}`;
  }
  const text = TEXT_TYPES.test(headers['content-type'] ?? '') ? asText(body) : undefined;
  const method = request.method ?? 'GET';
  return {
    version: '2.0',
    routeKey,
    rawPath: target.path,
    rawQueryString: target.query,
    headers,
    // URLSearchParams decodes leniently: a broken escape stays as sent, it never throws.
    ...(target.query === ''
      ? {}
      : { queryStringParameters: Object.fromEntries(new URLSearchParams(target.query).entries()) }),
    requestContext: {
      accountId: '000000000000',
      apiId: 'local',
      domainName: headers.host ?? '127.0.0.1',
      domainPrefix: 'local',
      http: {
        method,
        path: target.path,
        protocol: `HTTP/${request.httpVersion}`,
        sourceIp: request.socket.remoteAddress ?? '127.0.0.1',
        userAgent: headers['user-agent'] ?? '',
      },
      requestId: randomUUID(),
      routeKey,
      stage: '$default',
      time: now.toISOString(),
      timeEpoch: now.getTime(),
    },
    ...(body.byteLength === 0 ? {} : { body: text ?? body.toString('base64') }),
    isBase64Encoded: body.byteLength > 0 && text === undefined,
  };
}
