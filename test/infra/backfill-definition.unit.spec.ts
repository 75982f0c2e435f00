/**
 * The backfill state machine's definition for every stack's config: valid Amazon States Language (asl-validator),
 * within Step Functions' documented limits, and in step with the replay Lambda's error names.
 */
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { loadStackConfigFile } from '../../config/stack-config-file.js';
import {
  BACKFILL_ERROR_NAMES,
  BackfillBatchTooLargeError,
  BackfillConflictError,
  BackfillDeliveryError,
  BackfillTableNotGrantedError,
} from '../../processors/replay/backfill-errors.js';
import {
  checkBatchFits,
  MAX_EXECUTION_INPUT_BYTES,
  MAX_ITEM_JSON_BYTES,
  planBackfillBatches,
} from '../../processors/replay/backfill-sizing.js';
import {
  ASSUMED_COMPRESSION_RATIO,
  backfillDefinition,
  backfillMaxConcurrency,
  DISTRIBUTED_MAP_MAX_CONCURRENCY,
  LAMBDA_SERVICE_ERRORS,
  LAMBDA_TIMEOUT_ERRORS,
} from '../../pulumi/replay-backfill.js';

const validate = createRequire(import.meta.url)('asl-validator') as (definition: unknown) => {
  isValid: boolean;
  errors: unknown[];
};

/** 1 MB: the largest state machine definition (https://docs.aws.amazon.com/step-functions/latest/dg/service-quotas.html). */
const MAX_DEFINITION_BYTES = 1024 * 1024;
/** 256 KiB: the largest input or result of a state, so of a batch (same page). */
const MAX_PAYLOAD_BYTES = 256 * 1024;

/** A ListObjectsV2 item as the S3 ItemReader passes it, for the longest Firehose key the stack can produce. */
function largestItem(): Record<string, unknown> {
  const stream = 'x'.repeat(64); // Firehose stream names are at most 64 characters
  return {
    Etag: '"9b2cf535f27731c974343645a3985328-16"',
    Key: `events/2026/11/01/00/${stream}-12-2026-11-01-00-59-59-6c3a5c3c-6b1e-4b8a-9c9e-3d1f0f1b2a3c.gz`,
    LastModified: '2026-11-01T01:04:59.000Z',
    Size: 134_217_728,
    StorageClass: 'STANDARD',
  };
}

interface Definition {
  States: {
    ReplayObjects: {
      MaxConcurrency: number;
      ToleratedFailurePercentage: number;
      ToleratedFailureCount?: number;
      ItemBatcher: { MaxItemsPerBatch: number; MaxInputBytesPerBatch: number };
      ItemProcessor: { States: { Replay: { TimeoutSeconds: number; Retry: { ErrorEquals: string[] }[] } } };
    };
  };
}

function planFor(stack: string) {
  const config = loadStackConfigFile(stack);
  const r = config.replay;
  return planBackfillBatches({
    objectMiB: config.archive.bufferSizeMiB,
    eventBytes: r.backfillEventBytes,
    perInvocationRate: r.backfillPerInvocationRate,
    timeoutSeconds: r.backfillTimeoutSeconds,
    ...(r.backfillObjectsPerBatch === undefined ? {} : { objectsPerBatch: r.backfillObjectsPerBatch }),
  });
}

function definitionFor(stack: string, grantedTables: readonly string[] = ['aggregates-live']) {
  const r = loadStackConfigFile(stack).replay;
  const plan = planFor(stack);
  return backfillDefinition({
    functionArn: 'arn:aws:lambda:us-east-1:123456789012:function:backfill-replay-1a2b3c',
    bucket: 'archive-bucket-7d1e',
    maxItemsPerBatch: plan.objectsPerBatch,
    maxConcurrency: backfillMaxConcurrency(r.backfillTargetRate, r.backfillPerInvocationRate),
    functionTimeoutSeconds: r.backfillTimeoutSeconds,
    grantedTables,
  });
}

describe.each(['dev', 'staging', 'prod'])('backfill definition, stack %s', (stack) => {
  it('is valid Amazon States Language', () => {
    const result = validate(structuredClone(definitionFor(stack)));
    expect(result.errors).toEqual([]);
    expect(result.isValid).toBe(true);
  });

  it('stays within the definition size limit, even with ten granted tables of the longest names', () => {
    const tables = Array.from({ length: 10 }, (_, i) => `${i}`.padEnd(255, 't'));
    const definition = definitionFor(stack, tables);
    expect(validate(structuredClone(definition)).isValid).toBe(true);
    expect(Buffer.byteLength(JSON.stringify(definition))).toBeLessThan(MAX_DEFINITION_BYTES);
  });

  it('keeps the Map within its limits: concurrency, batching, tolerated failures', () => {
    const map = (definitionFor(stack) as unknown as Definition).States.ReplayObjects;
    // MaxConcurrency: up to 10,000 child executions at once (https://docs.aws.amazon.com/step-functions/latest/dg/state-map-distributed.html).
    expect(map.MaxConcurrency).toBeGreaterThanOrEqual(1);
    expect(map.MaxConcurrency).toBeLessThanOrEqual(DISTRIBUTED_MAP_MAX_CONCURRENCY);
    // ItemBatcher: MaxItemsPerBatch a positive integer, MaxInputBytesPerBatch at most 256 KiB
    // (https://docs.aws.amazon.com/step-functions/latest/dg/input-output-itembatcher.html).
    expect(Number.isInteger(map.ItemBatcher.MaxItemsPerBatch)).toBe(true);
    expect(map.ItemBatcher.MaxItemsPerBatch).toBeGreaterThanOrEqual(1);
    expect(map.ItemBatcher.MaxInputBytesPerBatch).toBeLessThanOrEqual(MAX_PAYLOAD_BYTES);
    // ToleratedFailurePercentage is 0–100; 0 with no ToleratedFailureCount fails the run on any failed batch
    // (https://docs.aws.amazon.com/step-functions/latest/dg/maprun-fail-threshold.html).
    expect(map.ToleratedFailurePercentage).toBe(0);
    expect(map.ToleratedFailureCount).toBeUndefined();
  });

  it('passes the largest batch (items × a realistic ListObjectsV2 item + the largest BatchInput) under 256 KiB', () => {
    const map = (definitionFor(stack) as unknown as Definition).States.ReplayObjects;
    const items = Array.from({ length: map.ItemBatcher.MaxItemsPerBatch }, largestItem);
    expect(Buffer.byteLength(JSON.stringify(largestItem()))).toBeLessThanOrEqual(MAX_ITEM_JSON_BYTES);
    // The CLI refuses an execution input above MAX_EXECUTION_INPUT_BYTES; BatchInput carries it whole as `options`.
    const options = {
      prefix: 'events/2026/',
      filter: { aggregateIds: ['x'.repeat(MAX_EXECUTION_INPUT_BYTES)] },
    };
    const batch = {
      Items: items,
      BatchInput: {
        runId: 'x'.repeat(80),
        from: '2026-11-01T00:00:00.000Z',
        to: '2026-11-02T00:00:00.000Z',
        target: 'projection',
        options,
      },
    };
    expect(Buffer.byteLength(JSON.stringify(batch))).toBeLessThan(MAX_PAYLOAD_BYTES);
  });
});

describe.each(['dev', 'staging', 'prod'])('backfill sizing, stack %s', (stack) => {
  it("lets a planned batch of full objects through the Lambda's own pre-read check", () => {
    const config = loadStackConfigFile(stack);
    const plan = planFor(stack);
    // Full objects, compressed as synthetic order events are (6.8×), in a function that has just started.
    const compressed = (config.archive.bufferSizeMiB * 2 ** 20) / 6.8;
    expect(
      checkBatchFits({
        compressedBytes: plan.objectsPerBatch * compressed,
        compressionRatio: ASSUMED_COMPRESSION_RATIO,
        eventBytes: config.replay.backfillEventBytes,
        perInvocationRate: config.replay.backfillPerInvocationRate,
        remainingMs: (config.replay.backfillTimeoutSeconds - 2) * 1000,
        freeTmpBytes: plan.ephemeralStorageMiB * 2 ** 20,
      }),
    ).toBeUndefined();
  });
});

describe('asl-validator (so the checks above can fail)', () => {
  it('rejects a ResultWriter without its Resource, a tolerated failure above 100 % and an unreachable state', () => {
    type Mutable = { States: Record<string, Record<string, unknown>> };
    const broken = (change: (states: Mutable['States']) => void) => {
      const d = structuredClone(definitionFor('dev')) as Mutable;
      change(d.States);
      return validate(d).isValid;
    };
    const map = (states: Mutable['States']) => states.ReplayObjects as Record<string, unknown>;
    expect(broken((s) => delete (map(s).ResultWriter as Record<string, unknown>).Resource)).toBe(false);
    expect(broken((s) => (map(s).ToleratedFailurePercentage = 200))).toBe(false);
    expect(broken((s) => ((s.CheckTable as Record<string, unknown>).Default = 'ReplayObjects'))).toBe(false);
  });
});

describe('backfill definition: retries', () => {
  const retry = (definitionFor('prod') as unknown as Definition).States.ReplayObjects.ItemProcessor.States
    .Replay.Retry;
  const retried = retry.flatMap((r) => r.ErrorEquals);

  it('retries the Lambda service errors and a function timeout (Lambda.Unknown / Sandbox.Timedout)', () => {
    // https://docs.aws.amazon.com/step-functions/latest/dg/bp-lambda-serviceexception.html
    for (const name of [...LAMBDA_SERVICE_ERRORS, ...LAMBDA_TIMEOUT_ERRORS]) expect(retried).toContain(name);
    expect(retried).toContain('Lambda.Unknown');
    expect(retried).toContain('Sandbox.Timedout');
  });

  it('retries an undelivered batch by the name the Lambda throws, and never the errors a retry cannot fix', () => {
    expect(new BackfillDeliveryError('x').name).toBe(BACKFILL_ERROR_NAMES.deliveryFailed);
    expect(retried).toContain(BACKFILL_ERROR_NAMES.deliveryFailed);
    for (const error of [
      new BackfillConflictError('x'),
      new BackfillBatchTooLargeError('x'),
      new BackfillTableNotGrantedError('x'),
    ]) {
      expect(Object.values(BACKFILL_ERROR_NAMES)).toContain(error.name);
      expect(retried).not.toContain(error.name);
    }
    expect(retried).not.toContain('States.ALL');
    expect(retried).not.toContain('States.TaskFailed');
  });
});
