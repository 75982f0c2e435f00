export { type EnvelopeTrace, envelopeTrace, envelopeTraceOfBytes } from './envelope-trace.js';
export { SpanStoreClosedError, SpanStoreError, SpanStoreWriteError } from './errors.js';
export {
  OtlpJsonFileExporter,
  type OtlpJsonFileExporterOptions,
  SPAN_STORE_FOLDER,
  type SpanStoreStats,
  spanFileName,
  spanFileNumber,
} from './otlp-json-file-exporter.js';
