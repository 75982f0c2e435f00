export { toApiGatewayEvent } from './apiGatewayEvent.js';
export { type LocalIngestOptions, type RunningLocalIngest, startLocalIngest } from './localIngestServer.js';
