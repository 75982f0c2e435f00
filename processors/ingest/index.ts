export { parseBearerToken, tokensMatch } from './bearer-auth.js';
export { type IngestConfig, type IngestEnvironment, ingestConfigSchema, loadIngestConfig } from './config.js';
export { IngestError, TokenUnavailableError } from './errors.js';
export {
  createIngestHandler,
  failureStatus,
  type IngestHandler,
  type IngestHandlerOptions,
  type ItemError,
  RejectReason,
} from './ingest-handler.js';
export {
  INGEST_ROUTE,
  IngestRequestTrace,
  stampedEnvelope,
  stampFields,
} from './ingest-request-trace.js';
export {
  bodyBytes,
  isJsonContentType,
  MAX_BODY_BYTES,
  MAX_ENVELOPES_PER_REQUEST,
  parseJsonBody,
} from './request-body.js';
