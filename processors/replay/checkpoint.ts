import { JsonFileError, readJsonFile, writeJsonFile } from '../files/index.js';
import type { ArchiveObject } from './archive-source.js';
import { CheckpointError } from './errors.js';
import type { ReplayCursor } from './event-order.js';

/** What a replay run is, so a resume can refuse a checkpoint of another run. */
export interface RunFingerprint {
  readonly source: string;
  readonly prefix: string;
  readonly from: string;
  readonly to: string;
  readonly filter: unknown;
  readonly target: string;
}

/** The resumable state of a replay, written as JSON after every chunk (atomically, by rename). */
export interface ReplayCheckpoint {
  readonly version: 1;
  readonly runId: string;
  readonly fingerprint: RunFingerprint;
  /** The objects this run covers, fixed at its start so a resume reads the same set. */
  readonly objects: readonly ArchiveObject[];
  /**
   * Objects all of whose events are at or before the cursor (and hold no failed event): a resume does not read them.
   */
  readonly finishedObjects: readonly string[];
  /**
   * Per-aggregate positions, compactly: aggregates are replayed in key order, so every aggregate before
   * `cursor.key` is done and `cursor.key` is done up to `cursor.sequence`.
   */
  readonly cursor: ReplayCursor | null;
  /** Aggregates whose delivery failed, with the first sequence not delivered: a resume retries from there. */
  readonly failed: Readonly<Record<string, number>>;
  readonly sent: number;
  readonly completed: boolean;
  readonly updatedAt: string;
}

/** Reads a checkpoint; undefined when the file does not exist. */
export async function readCheckpoint(file: string): Promise<ReplayCheckpoint | undefined> {
  let value: ReplayCheckpoint | undefined;
  try {
    value = (await readJsonFile(file)) as ReplayCheckpoint | undefined;
  } catch (cause) {
    if (!(cause instanceof JsonFileError)) throw cause;
    throw new CheckpointError(`checkpoint ${file} is not JSON`, { cause });
  }
  if (value === undefined) return undefined;
  if (value.version !== 1 || !Array.isArray(value.objects) || typeof value.runId !== 'string') {
    throw new CheckpointError(`checkpoint ${file} is not a replay checkpoint (version 1)`);
  }
  return value;
}

/** Writes a checkpoint atomically (temp file + rename, its directory created), so a crash never leaves half a file. */
export async function writeCheckpoint(file: string, checkpoint: ReplayCheckpoint): Promise<void> {
  await writeJsonFile(file, checkpoint, { indent: 0 });
}

/** Throws unless the checkpoint was written by a run with the same fingerprint. */
export function checkFingerprint(checkpoint: ReplayCheckpoint, fingerprint: RunFingerprint): void {
  const a = JSON.stringify(checkpoint.fingerprint);
  const b = JSON.stringify(fingerprint);
  if (a !== b) {
    throw new CheckpointError(
      `the checkpoint belongs to another replay (${a}); this one is ${b}. Use another --checkpoint file or the same flags`,
    );
  }
}
