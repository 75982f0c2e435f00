import type {
  KinesisClient,
  PutRecordsInput,
  PutRecordsOutput,
  PutRecordsResultEntry,
} from '@aws-sdk/client-kinesis';

/** Faults to inject into PutRecords; emulators never throttle on their own. */
export interface KinesisFaults {
  /** Records of these partition keys are answered `ProvisionedThroughputExceededException` (not written). */
  readonly throttledKeys: Set<string>;
  /** The next this-many records (any key) are answered `InternalFailure` (not written). */
  failNextRecords: number;
}

/**
 * Adds middleware that fails chosen PutRecords entries the way Kinesis does: the failing records are taken
 * out of the real call (so they are not written) and put back into the response as failed entries.
 */
export function injectPutRecordsFaults(client: KinesisClient): KinesisFaults {
  const faults: KinesisFaults = { throttledKeys: new Set(), failNextRecords: 0 };
  client.middlewareStack.add(
    (next, context) => async (args) => {
      if (context.commandName !== 'PutRecordsCommand') return next(args);
      const input = args.input as PutRecordsInput;
      const records = input.Records ?? [];
      const failures: (PutRecordsResultEntry | undefined)[] = records.map((record) => {
        if (faults.throttledKeys.has(record.PartitionKey ?? '')) {
          return {
            ErrorCode: 'ProvisionedThroughputExceededException',
            ErrorMessage: 'Rate exceeded (injected)',
          };
        }
        if (faults.failNextRecords > 0) {
          faults.failNextRecords -= 1;
          return { ErrorCode: 'InternalFailure', ErrorMessage: 'Internal service failure (injected)' };
        }
        return undefined;
      });
      const kept = records.filter((_, i) => failures[i] === undefined);
      let answered: PutRecordsResultEntry[] = [];
      let result: Awaited<ReturnType<typeof next>> | undefined;
      if (kept.length > 0) {
        result = await next({ ...args, input: { ...input, Records: kept } });
        answered = [...((result.output as PutRecordsOutput).Records ?? [])];
      }
      const merged = failures.map((failure) => failure ?? (answered.shift() as PutRecordsResultEntry));
      const output: PutRecordsOutput = {
        FailedRecordCount: merged.filter((r) => r.ErrorCode !== undefined).length,
        Records: merged,
      };
      return {
        response: result?.response,
        output: { ...(result?.output ?? { $metadata: {} }), ...output },
      } as Awaited<ReturnType<typeof next>>;
    },
    { step: 'initialize', name: 'injectPutRecordsFaults' },
  );
  return faults;
}
