export { toApiGatewayEvent } from './api-gateway-event.js';
export { type LocalIngestOptions, type RunningLocalIngest, startLocalIngest } from './local-ingest-server.js';
