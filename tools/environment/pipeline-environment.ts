import type { ClientEnvironment } from '../../processors/replay/replay-environment.js';

/** Where a tool acts: one pipeline's stream, table, archive bucket, bus and ingest API, and how to reach them. */
export interface PipelineEnvironment extends ClientEnvironment {
  /** Which of the three forms it came from. */
  readonly source: 'data-dir' | 'stack' | 'explicit';
  readonly streamName?: string;
  readonly table?: string;
  readonly bucket?: string;
  readonly archivePrefix: string;
  readonly busName?: string;
  readonly sourcePrefix: string;
  /** The ingest API (`POST /events`) and its bearer token. */
  readonly ingest?: { readonly url: string; readonly token?: string };
  /** Where each bus rule's messages can be read: a file of the local stack, or an SQS queue URL of a stack. */
  readonly queues: Readonly<Record<string, string>>;
  /** The local stack's process, to tell a stale endpoints.json from a running stack. */
  readonly pid?: number;
  /** The Step Functions state machine of distributed backfills, when deployed. */
  readonly backfillStateMachineArn?: string;
}

/** The parts of an environment a tool may need, each with the flag that supplies it in the explicit form. */
export const RESOURCE_FLAGS = {
  streamName: '--stream',
  table: '--table',
  bucket: '--bucket',
  busName: '--bus',
  ingest: '--url',
} as const;

/** A part of an environment a tool may need. */
export type PipelineResource = keyof typeof RESOURCE_FLAGS;
