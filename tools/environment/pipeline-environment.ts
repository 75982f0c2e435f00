/** Where a tool acts: one pipeline's stream, table, archive bucket, bus and ingest API, and how to reach them. */
export interface PipelineEnvironment {
  /** Names the environment in prompts and logs (`local stack (/repo/.local)`, `pulumi stack prod`). */
  readonly name: string;
  /** Which of the three forms it came from. */
  readonly source: 'data-dir' | 'stack' | 'explicit';
  /** The local stack (emulators started by `npm start`). */
  readonly local: boolean;
  /** Absent in the explicit form: the SDK reads AWS_REGION / the profile itself. */
  readonly region?: string;
  /** Absent: the SDK's default credential chain. */
  readonly credentials?: { readonly accessKeyId: string; readonly secretAccessKey: string };
  /** Endpoint overrides given to the clients; absent ones are left to the SDK (AWS, or AWS_ENDPOINT_URL_<SERVICE>). */
  readonly endpoints: {
    readonly kinesis?: string;
    readonly dynamodb?: string;
    readonly s3?: string;
    readonly eventbridge?: string;
  };
  /**
   * The S3 endpoint is an S3-compatible store rather than AWS: path-style addressing, checksums only when required,
   * ListObjects (V1) paging. Absent: true exactly when `endpoints.s3` is set.
   */
  readonly s3Compatible?: boolean;
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
