export { type EnvelopeTrace, envelopeTrace, envelopeTraceOfBytes } from './envelope-trace.js';
export { SpanStoreClosedError, SpanStoreError, SpanStoreWriteError } from './errors.js';
export {
  OTLP_TRACES_PATH,
  type OtlpHttpReceiverOptions,
  type OtlpRequestStore,
  type RunningOtlpHttpReceiver,
  startOtlpHttpReceiver,
} from './otlp-http-receiver.js';
export {
  OtlpJsonFileExporter,
  type OtlpJsonFileExporterOptions,
  SPAN_STORE_FOLDER,
  type SpanStoreStats,
  spanFileName,
  spanFileNumber,
} from './otlp-json-file-exporter.js';
export {
  type CheckedOtlpTraceRequest,
  checkOtlpTraceRequest,
  type OtlpTraceRequest,
} from './otlp-trace-request.js';
