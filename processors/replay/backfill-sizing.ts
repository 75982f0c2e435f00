/**
 * How many archive objects one replay Lambda invocation of a distributed backfill can take, and how much disk it
 * needs: pure functions shared by the Pulumi program (at deploy time, from the stack's config) and the replay Lambda
 * (before it starts a batch, from the batch's object sizes and its remaining time and disk). See docs/replay.md.
 */

/** Lambda's longest function timeout. https://docs.aws.amazon.com/lambda/latest/dg/configuration-timeout.html */
export const LAMBDA_MAX_TIMEOUT_SECONDS = 900;
/**
 * Lambda's ephemeral storage (`/tmp`) range: 512 MB (the default) to 10,240 MB.
 * https://docs.aws.amazon.com/lambda/latest/dg/configuration-ephemeral-storage.html
 */
export const LAMBDA_MIN_EPHEMERAL_MIB = 512;
export const LAMBDA_MAX_EPHEMERAL_MIB = 10_240;

/**
 * Bytes a sorted-run line adds to an envelope line (processors/replay/spill-record.ts: aggregate key, sequence,
 * eventId, event type, four tabs and the newline; a JSON array header when a field needs escaping). Generous on
 * purpose: the key is `type NUL id`, an eventId a UUID (36), a sequence at most 16 digits.
 */
export const SPILL_HEADER_BYTES = 160;

/**
 * Events/s the read side (gunzip, parse, validate, sort) is assumed to reach in a Lambda: a tenth of the 200,000
 * events/s `npm run bench -- replay` measures on two cores (docs/replay.md), so a small function is covered too.
 */
export const ASSUMED_READ_RATE = 20_000;

/** The share of the timeout a batch is planned to use, and the fixed allowance for start-up and listing. */
export const TIME_BUDGET_FRACTION = 0.8;
export const STARTUP_ALLOWANCE_SECONDS = 30;
/**
 * Head room on top of the planned spill when sizing `/tmp`: it also covers the Lambda's own pre-read estimate, which
 * assumes a compression ratio of 8 where synthetic order events gzip 6.8× (pulumi/replay-backfill.ts).
 */
export const DISK_HEADROOM = 1.25;

/**
 * Upper bound of one ListObjectsV2 item as the S3 ItemReader hands it over (`Key`, `Size`, `Etag`, `LastModified`,
 * `StorageClass`): a Firehose key is `events/YYYY/MM/DD/HH/` + stream name (≤ 64) + `-N-YYYY-MM-DD-HH-MM-SS-` + UUID
 * + `.gz` ≈ 150 characters, the other fields ≈ 130.
 */
export const MAX_ITEM_JSON_BYTES = 320;
/** Most bytes the execution input (and so the batch's `BatchInput`) may take; the CLI refuses a larger one. */
export const MAX_EXECUTION_INPUT_BYTES = 64 * 1024;
/**
 * Step Functions' payload limit (a batch's input, a state's output): 256 KiB.
 * https://docs.aws.amazon.com/step-functions/latest/dg/service-quotas.html
 */
export const STEP_FUNCTIONS_PAYLOAD_BYTES = 256 * 1024;
/** Most objects per batch whatever the time and disk allow: the batch input (items + BatchInput) stays < 256 KiB. */
export const MAX_OBJECTS_PER_BATCH = 500;

/** Config keys the sizing reads, named in errors. */
export const SIZING_CONFIG_KEYS = {
  objectMiB: 'archive.bufferSizeMiB',
  eventBytes: 'replay.backfillEventBytes',
  perInvocationRate: 'replay.backfillPerInvocationRate',
  timeoutSeconds: 'replay.backfillTimeoutSeconds',
  objectsPerBatch: 'replay.backfillObjectsPerBatch',
} as const;

/** The configuration cannot fit one batch in a Lambda invocation; `keys` names the config keys to change. */
export class BackfillSizingError extends Error {
  override readonly name = 'BackfillSizingError';
  constructor(
    message: string,
    readonly keys: readonly string[],
  ) {
    super(message);
  }
}

/** Inputs of {@link planBackfillBatches}. */
export interface BackfillSizingInput {
  /**
   * Uncompressed MiB of one archive object: Firehose's buffer size, which counts incoming (uncompressed) data before
   * it delivers an object (https://docs.aws.amazon.com/firehose/latest/APIReference/API_BufferingHints.html).
   */
  readonly objectMiB: number;
  /** Smallest average envelope line assumed, in bytes: fewer bytes per event means more events per object. */
  readonly eventBytes: number;
  /** Events/s one invocation sends at. */
  readonly perInvocationRate: number;
  /** The replay Lambda's timeout. */
  readonly timeoutSeconds: number;
  /** An upper bound set by the operator; rejected when larger than what fits. */
  readonly objectsPerBatch?: number;
}

/** What {@link planBackfillBatches} decided. */
export interface BackfillBatchPlan {
  /** The ItemBatcher's MaxItemsPerBatch. */
  readonly objectsPerBatch: number;
  /** The function's ephemeral storage. */
  readonly ephemeralStorageMiB: number;
  /** Worst-case seconds one full object takes (read and send). */
  readonly secondsPerObject: number;
  /** Worst-case MiB one object spills to `/tmp`. */
  readonly spillMiBPerObject: number;
  /** Seconds of the timeout planned for objects. */
  readonly usableSeconds: number;
}

/** Worst-case seconds to read and send `events` events at `rate`. */
export function replaySeconds(events: number, rate: number): number {
  return events / rate + events / ASSUMED_READ_RATE;
}

/** Worst-case bytes the external sort spills for `uncompressedBytes` of envelopes of `eventBytes` each. */
export function spillBytes(uncompressedBytes: number, eventBytes: number): number {
  return uncompressedBytes * (1 + SPILL_HEADER_BYTES / eventBytes);
}

/**
 * Objects per batch and ephemeral storage for a stack: as many full objects as fit in the planned share of the
 * timeout at the per-invocation rate, and whose spill fits in the largest `/tmp`, capped by the payload limit.
 *
 * @throws BackfillSizingError naming the config keys when not even one object fits, or when `objectsPerBatch` is
 *   larger than what fits.
 */
export function planBackfillBatches(input: BackfillSizingInput): BackfillBatchPlan {
  const { objectMiB, eventBytes, perInvocationRate, timeoutSeconds } = input;
  for (const [name, value] of Object.entries({ objectMiB, eventBytes, perInvocationRate, timeoutSeconds })) {
    if (!(Number.isFinite(value) && value > 0)) {
      throw new RangeError(`${name} must be a number > 0, got ${value}`);
    }
  }
  const k = SIZING_CONFIG_KEYS;
  if (timeoutSeconds > LAMBDA_MAX_TIMEOUT_SECONDS) {
    throw new BackfillSizingError(
      `${k.timeoutSeconds} is ${timeoutSeconds} s; Lambda allows at most ${LAMBDA_MAX_TIMEOUT_SECONDS} s`,
      [k.timeoutSeconds],
    );
  }
  const objectBytes = objectMiB * 2 ** 20;
  const eventsPerObject = objectBytes / eventBytes;
  const secondsPerObject = replaySeconds(eventsPerObject, perInvocationRate);
  const usableSeconds = timeoutSeconds * TIME_BUDGET_FRACTION - STARTUP_ALLOWANCE_SECONDS;
  const byTime = usableSeconds > 0 ? Math.floor(usableSeconds / secondsPerObject) : 0;
  if (byTime < 1) {
    throw new BackfillSizingError(
      `one archive object of up to ${objectMiB} MiB (${Math.round(eventsPerObject)} events of ${eventBytes} B) ` +
        `takes ≈ ${Math.ceil(secondsPerObject)} s at ${perInvocationRate} events/s, more than the ` +
        `${Math.max(0, Math.floor(usableSeconds))} s a ${timeoutSeconds} s invocation plans for: raise ` +
        `${k.perInvocationRate} or ${k.timeoutSeconds}, or lower ${k.objectMiB}`,
      [k.objectMiB, k.eventBytes, k.perInvocationRate, k.timeoutSeconds],
    );
  }
  const spillPerObject = spillBytes(objectBytes, eventBytes);
  const byDisk = Math.floor((LAMBDA_MAX_EPHEMERAL_MIB * 2 ** 20) / (spillPerObject * DISK_HEADROOM));
  if (byDisk < 1) {
    throw new BackfillSizingError(
      `one archive object of up to ${objectMiB} MiB spills up to ${Math.ceil(spillPerObject / 2 ** 20)} MiB, ` +
        `more than Lambda's ${LAMBDA_MAX_EPHEMERAL_MIB} MiB of /tmp: lower ${k.objectMiB}`,
      [k.objectMiB, k.eventBytes],
    );
  }
  const fits = Math.min(byTime, byDisk, MAX_OBJECTS_PER_BATCH);
  if (input.objectsPerBatch !== undefined && input.objectsPerBatch > fits) {
    throw new BackfillSizingError(
      `${k.objectsPerBatch} is ${input.objectsPerBatch}, but at most ${fits} archive objects fit one invocation ` +
        `(time allows ${byTime}, /tmp ${byDisk}, the batch payload ${MAX_OBJECTS_PER_BATCH})`,
      [k.objectsPerBatch, k.objectMiB, k.perInvocationRate, k.timeoutSeconds],
    );
  }
  const objectsPerBatch = input.objectsPerBatch ?? fits;
  const neededMiB = Math.ceil((objectsPerBatch * spillPerObject * DISK_HEADROOM) / 2 ** 20);
  return {
    objectsPerBatch,
    ephemeralStorageMiB: Math.min(LAMBDA_MAX_EPHEMERAL_MIB, Math.max(LAMBDA_MIN_EPHEMERAL_MIB, neededMiB)),
    secondsPerObject,
    spillMiBPerObject: spillPerObject / 2 ** 20,
    usableSeconds,
  };
}

/** Inputs of {@link checkBatchFits}: what the replay Lambda knows before it reads its batch. */
export interface BatchFitInput {
  /** The batch's objects' listed sizes (compressed bytes). */
  readonly compressedBytes: number;
  /** Uncompressed bytes per compressed byte assumed for GZIP NDJSON envelopes. */
  readonly compressionRatio: number;
  readonly eventBytes: number;
  readonly perInvocationRate: number;
  readonly remainingMs: number;
  /** Free bytes in `/tmp`. */
  readonly freeTmpBytes: number;
}

/** Why a batch does not fit, or undefined when it does. Pure. */
export function checkBatchFits(input: BatchFitInput): string | undefined {
  const uncompressed = input.compressedBytes * input.compressionRatio;
  const events = uncompressed / input.eventBytes;
  const seconds = replaySeconds(events, input.perInvocationRate);
  const remaining = input.remainingMs / 1000;
  if (seconds > remaining) {
    return (
      `the batch (${input.compressedBytes} B compressed, ≈ ${Math.round(events)} events) needs ≈ ` +
      `${Math.ceil(seconds)} s at ${input.perInvocationRate} events/s, but only ${Math.floor(remaining)} s remain`
    );
  }
  const disk = spillBytes(uncompressed, input.eventBytes);
  if (disk > input.freeTmpBytes) {
    return `the batch may spill ≈ ${Math.ceil(disk / 2 ** 20)} MiB to /tmp, but only ${Math.floor(input.freeTmpBytes / 2 ** 20)} MiB are free`;
  }
  return undefined;
}

/** Why sending `events` events does not fit the remaining time, or undefined when it does. Pure. */
export function checkSendFits(
  events: number,
  perInvocationRate: number,
  remainingMs: number,
): string | undefined {
  const seconds = events / perInvocationRate;
  const remaining = remainingMs / 1000 - STARTUP_ALLOWANCE_SECONDS;
  return seconds > remaining
    ? `sending ${events} events at ${perInvocationRate} events/s takes ≈ ${Math.ceil(seconds)} s, but only ${Math.max(0, Math.floor(remaining))} s remain after the read`
    : undefined;
}
