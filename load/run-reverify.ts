import { writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { ArchiveSource } from '../processors/replay/archive-source.js';
import { S3ArchiveSource } from '../processors/replay/s3-archive-source.js';
import { ArchiveReader } from './archive-reader.js';
import { FileQueueReader } from './bus-reader.js';
import { type DrainResult, type PlaceReader, waitForDrain } from './drain-waiter.js';
import { LoadTargetError } from './errors.js';
import { EventCounter } from './event-counter.js';
import type { RunLedger } from './ledger.js';
import type { LoadTargetSpec } from './options.js';
import type { ProjectionSnapshot } from './projection-reader.js';
import { readProjections } from './projection-reader.js';
import { readRunLedger } from './run-file.js';
import { createStoreClients } from './store-clients.js';
import { type ResolveLoadTargetOptions, resolveLoadTarget } from './target.js';
import { type VerificationResult, verifyRun } from './verifier.js';

/** Where a recorded run is verified against: read access to the projections, the archive and the bus. */
export interface RecordedRunPlaces {
  readonly readProjections: (aggregateIds: readonly string[]) => Promise<Map<string, ProjectionSnapshot>>;
  readonly archive: { readonly source: ArchiveSource; readonly prefix: string };
  /** A reader of the bus queue into the counter, or why the bus cannot be read again. */
  readonly bus: ((counter: EventCounter) => PlaceReader) | { readonly skipped: string };
}

/** The verdict on a recorded run. */
export interface RecordedRunVerification {
  readonly verification: VerificationResult;
  readonly drain: Omit<DrainResult, 'projections'>;
  /** Why the bus was not verified, when it was not. */
  readonly busSkipped: string | undefined;
}

/**
 * Verifies a run from its ledger against the pipeline as it is now, with the same checks as at the end of the run:
 * reads the projections of the run's aggregates, the archive from the run's first request on, and the bus queue from
 * its start (only this run's aggregates count), waiting up to `timeoutMs` for anything still in flight.
 */
export async function verifyRecordedRun(
  ledger: RunLedger,
  places: RecordedRunPlaces,
  options: {
    readonly timeoutMs: number;
    readonly now?: () => Date;
    readonly onError?: (error: unknown) => void;
  },
): Promise<RecordedRunVerification> {
  const belongs = (aggregateId: string) => ledger.aggregates.has(aggregateId);
  let since = Number.POSITIVE_INFINITY;
  for (const event of ledger.events()) since = Math.min(since, event.firstSentAt);
  const archiveCounter = new EventCounter(belongs);
  const busCounter = new EventCounter(belongs);
  const archiveReader = new ArchiveReader({
    source: places.archive.source,
    prefix: places.archive.prefix,
    since: new Date(since),
    counter: archiveCounter,
  });
  const now = options.now ?? (() => new Date());
  const bus = typeof places.bus === 'function' ? places.bus(busCounter) : undefined;
  const drain = await waitForDrain({
    ledger,
    readProjections: places.readProjections,
    archive: { reader: { poll: () => archiveReader.poll(now()) }, counter: archiveCounter },
    bus: bus === undefined ? undefined : { reader: bus, counter: busCounter },
    timeoutMs: options.timeoutMs,
    intervalMs: 1000,
    ...(options.onError === undefined ? {} : { onError: options.onError }),
  });
  const verification = verifyRun(ledger, {
    projections: drain.projections,
    archive: archiveCounter,
    bus: bus === undefined ? undefined : busCounter,
  });
  const { projections: _projections, ...summary } = drain;
  return {
    verification,
    drain: summary,
    busSkipped: typeof places.bus === 'function' ? undefined : places.bus.skipped,
  };
}

/** Options of {@link reverifyRunFile}. */
export interface ReverifyOptions {
  readonly runFile: string;
  readonly target: LoadTargetSpec;
  /** Seconds to wait for events still in flight; 0 reads each place once. */
  readonly drainTimeoutSeconds: number;
}

/** What `--verify <run file>` found, and where it wrote it. */
export interface ReverifyResult extends RecordedRunVerification {
  readonly runFile: string;
  readonly counts: ReturnType<RunLedger['counts']>;
  /** `reverify-<time>.json` beside the run file. */
  readonly written: string;
}

/**
 * `npm run load -- --verify <run file>`: re-reads the projections, archive and bus of a recorded run (its run file,
 * e.g. `load/reports/<run>/run.ndjson`) in the environment given, and prints the verdict the run printed.
 */
export async function reverifyRunFile(
  options: ReverifyOptions,
  io: ResolveLoadTargetOptions & { readonly log?: (line: string) => void } = {},
): Promise<ReverifyResult> {
  const ledger = await readRunLedger(options.runFile);
  const target = await resolveLoadTarget(options.target, io);
  const stores = target.stores;
  if (stores === undefined)
    throw new LoadTargetError(
      '--verify reads the table and the archive: use the local stack (--data-dir), --stack, or --table and --bucket',
    );
  const clients = createStoreClients(stores);
  try {
    const queue = stores.busQueue;
    const result = await verifyRecordedRun(
      ledger,
      {
        readProjections: (ids) => readProjections(clients.dynamodb, stores.table, ids),
        archive: {
          source: new S3ArchiveSource({ client: clients.s3, bucket: stores.bucket }),
          prefix: stores.archivePrefix,
        },
        bus:
          queue === undefined
            ? { skipped: `no queue for the example rule in ${target.description}` }
            : queue.kind === 'file'
              ? (counter) => new FileQueueReader(queue.path, 0, counter)
              : // The run's own verification received and deleted the queue's messages (DeleteMessage removes a message
                // from the queue: https://docs.aws.amazon.com/sdk-for-sap-abap/v1/api/latest/sqs/operation/DELETEMESSAGE.html,
                // the SQS API's DeleteMessage text): they cannot be read a second time.
                {
                  skipped:
                    'an SQS queue is consumed by the run that read it; only the local file queue is read again',
                },
      },
      {
        timeoutMs: options.drainTimeoutSeconds * 1000,
        onError: (error) => io.log?.(`verify: ${(error as Error).message}`),
      },
    );
    const written = join(
      dirname(options.runFile),
      `reverify-${new Date().toISOString().replaceAll(':', '-')}.json`,
    );
    const counts = ledger.counts();
    await writeFile(
      written,
      `${JSON.stringify({ runFile: options.runFile, target: target.description, events: counts, ...result }, null, 2)}\n`,
    );
    return { ...result, runFile: options.runFile, counts, written };
  } finally {
    clients.destroy();
  }
}
