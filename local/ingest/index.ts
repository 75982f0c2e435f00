export { toApiGatewayEvent } from './api-gateway-event.js';
export { type LocalIngestOptions, type RunningLocalIngest, startLocalIngest } from './local-ingest-server.js';
export { type IngestEndpoint, localIngestEndpoint, postEvents } from './post-events.js';
