/**
 * What building SDK clients needs from an environment. Absent region, credentials and endpoints are left to the SDK,
 * which reads AWS_REGION, the profile and AWS_ENDPOINT_URL[_<SERVICE>]
 * (https://docs.aws.amazon.com/sdkref/latest/guide/feature-ss-endpoints.html).
 */
export interface ClientEnvironment {
  /** Names the environment in prompts and logs (`local stack (/repo/.local)`, `pulumi stack prod`). */
  readonly name: string;
  /** The local stack (emulators started by `npm start`). */
  readonly local: boolean;
  readonly region?: string;
  readonly credentials?: { readonly accessKeyId: string; readonly secretAccessKey: string };
  /** Endpoint overrides (local emulators); absent ones are left to the SDK. */
  readonly endpoints: {
    readonly kinesis?: string;
    readonly dynamodb?: string;
    readonly s3?: string;
    readonly eventbridge?: string;
  };
  /**
   * An S3-compatible store rather than AWS: path-style addressing, checksums only when required, ListObjects (V1)
   * paging. @default true exactly when `endpoints.s3` is set
   */
  readonly s3Compatible?: boolean;
}

/** Where a replay reads and writes: the local stack or a deployed Pulumi stack. */
export interface ReplayEnvironment extends ClientEnvironment {
  readonly region: string;
  readonly streamName: string;
  readonly table: string;
  readonly bucket: string;
  readonly archivePrefix: string;
  readonly busName: string;
  readonly sourcePrefix: string;
  /** The Step Functions state machine of distributed backfills, when deployed. */
  readonly backfillStateMachineArn?: string;
}
