/** Where a replay reads and writes: the local stack or a deployed Pulumi stack. */
export interface ReplayEnvironment {
  /** Names the environment in prompts (`local stack (.local)`, `pulumi stack prod`). */
  readonly name: string;
  readonly local: boolean;
  readonly region: string;
  readonly credentials?: { readonly accessKeyId: string; readonly secretAccessKey: string };
  /** Endpoint overrides (local emulators); absent on AWS. */
  readonly endpoints: {
    readonly kinesis?: string;
    readonly dynamodb?: string;
    readonly s3?: string;
    readonly eventbridge?: string;
  };
  readonly streamName: string;
  readonly table: string;
  readonly bucket: string;
  readonly archivePrefix: string;
  readonly busName: string;
  readonly sourcePrefix: string;
  /** The Step Functions state machine of distributed backfills, when deployed. */
  readonly backfillStateMachineArn?: string;
}
