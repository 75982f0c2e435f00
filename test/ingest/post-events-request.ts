import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { toApiGatewayEvent } from '../../local/ingest/index.js';

/**
 * `POST /events` with a JSON body and a bearer token, as API Gateway (HTTP API, payload 2.0) hands it to the Lambda;
 * `headers` are more raw headers (name, value, name, value…), repeated names allowed.
 */
export function postEventsRequest(
  body: string,
  token: string,
  headers: readonly string[] = [],
): APIGatewayProxyEventV2 {
  const request = {
    url: '/events',
    method: 'POST',
    httpVersion: '1.1',
    rawHeaders: ['authorization', `Bearer ${token}`, 'content-type', 'application/json', ...headers],
    socket: { remoteAddress: '127.0.0.1' },
  };
  return toApiGatewayEvent(request as never, Buffer.from(body), 'POST /events');
}
