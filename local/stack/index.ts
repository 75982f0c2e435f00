export {
  DataDirError,
  InvalidStackOptionsError,
  LocalStackError,
} from './errors.js';
export {
  type ArchivedEnvelopes,
  LocalPipelineOutputs,
  type ProjectionSummary,
  type QueuedBusEvent,
} from './local-pipeline-outputs.js';
export {
  type LocalLogLevel,
  type LocalStackEndpoints,
  type LocalStackOptions,
  mergeLag,
  type RunningLocalStack,
  startLocalStack,
} from './local-stack.js';
export { PipeStreamSource, type PipeStreamSourceOptions, toPipeRecord } from './pipe-stream-source.js';
export {
  openStackFile,
  parseStackFile,
  STACK_FILE,
  STACK_FILE_FORMAT,
  type StackFile,
} from './stack-file.js';
export {
  LOCAL_ARCHIVE_INTERVAL_SECONDS,
  type LocalResourceNames,
  type LocalStackOverrides,
  type LocalStackPorts,
  type LocalStackSettings,
  resolveLocalStackSettings,
} from './stack-settings.js';
export { formatStatusLine, type LocalStackStats, type ShardLagStatus } from './status-line.js';
