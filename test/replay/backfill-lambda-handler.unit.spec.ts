import { describe, expect, it } from 'vitest';
import { generateOrderEvents } from '../../processors/aggregates/index.js';
import type { Envelope } from '../../processors/envelope/index.js';
import { BACKFILL_ERROR_NAMES } from '../../processors/replay/backfill-errors.js';
import type { TargetForOptions } from '../../processors/replay/environment-clients.js';
import type { DeliveryOutcome, ReplayEnvironment, ReplayTarget } from '../../processors/replay/index.js';
import {
  type BackfillBatchEvent,
  createBackfillHandler,
  type ReplayFunctionSettings,
  replayFunctionSettings,
} from '../../processors/replay/lambda-handler.js';
import { useTempDir } from '../support/temp-dir.js';
import { MemoryArchive } from './memory-archive.js';
import { archiveHour } from './replay-fixture.js';

const env: ReplayEnvironment = {
  name: 'aws eu-west-1',
  local: false,
  region: 'eu-west-1',
  endpoints: {},
  streamName: 'events',
  table: 'aggregates-live',
  bucket: 'archive',
  archivePrefix: 'events/',
  busName: 'bus',
  sourcePrefix: 'pipeline',
};
const settings: ReplayFunctionSettings = {
  rate: 100_000,
  eventBytes: 256,
  compressionRatio: 10,
  projectionTables: ['orders-rebuild'],
};
const events = generateOrderEvents({ aggregates: 4, eventsPerAggregate: 5, seed: 7 });
const tempDir = useTempDir('backfill-lambda-');

function archiveOf(envelopes: readonly Envelope[]): MemoryArchive {
  const archive = new MemoryArchive();
  for (let i = 0; i < envelopes.length; i += 5) {
    archive.put(archiveHour(0, i), envelopes.slice(i, i + 5));
  }
  return archive;
}

function batchOf(archive: MemoryArchive, options: BackfillBatchEvent['BatchInput']['options'] = {}) {
  return {
    Items: [...archive.objects].map(([Key, bytes]) => ({ Key, Size: bytes.length, Etag: '"e"' })),
    BatchInput: {
      runId: 'run-1',
      from: '2026-01-01T00:00:00.000Z',
      to: '2026-01-01T01:00:00.000Z',
      target: options.table === undefined ? 'stream' : 'projection',
      options,
    },
  } satisfies BackfillBatchEvent;
}

/** A target that fails every event of one aggregate and records what it was sent. */
function recordingTarget(failAggregate?: string) {
  const sent: Envelope[] = [];
  const built: TargetForOptions[] = [];
  const target: ReplayTarget = {
    description: 'fake target',
    async send(batch: readonly Envelope[]): Promise<DeliveryOutcome[]> {
      return batch.map((e) => {
        if (e.aggregateId === failAggregate) return { status: 'failed', message: 'throttled' };
        sent.push(e);
        return { status: 'sent' };
      });
    },
  };
  return { target, sent, built };
}

function handlerWith(
  archive: MemoryArchive,
  fake: ReturnType<typeof recordingTarget>,
  overrides: Partial<ReplayFunctionSettings> = {},
  freeTmpBytes = 10 * 2 ** 30,
) {
  return createBackfillHandler({
    environment: () => env,
    settings: () => ({ ...settings, ...overrides }),
    source: () => archive,
    target: async (_env, options) => {
      fake.built.push(options);
      return fake.target;
    },
    freeTmpBytes: async () => freeTmpBytes,
    tempDir: tempDir(),
  });
}

const plenty = { getRemainingTimeInMillis: () => 800_000 };

describe('replay Lambda of distributed backfills', () => {
  it('replays its batch and returns the counts when every event was delivered', async () => {
    const archive = archiveOf(events);
    const fake = recordingTarget();
    const result = await handlerWith(archive, fake)(batchOf(archive), plenty);
    expect(result).toMatchObject({ objects: 4, sent: events.length, failed: 0, conflicts: 0 });
    expect(fake.sent).toHaveLength(events.length);
  });

  it('keeps objects of the hour before the range, which can hold arrivals after its start, and drops older ones', async () => {
    const archive = new MemoryArchive();
    // Folder 23:00 of the day before: opened at 23:58, it holds records that arrived after midnight.
    archive.put(new Date(Date.UTC(2025, 11, 31, 23, 58)), events.slice(0, 5));
    archive.put(new Date(Date.UTC(2025, 11, 31, 22, 30)), events.slice(5, 10));
    archive.put(archiveHour(0, 10), events.slice(10, 20));
    const fake = recordingTarget();
    const result = await handlerWith(archive, fake)(batchOf(archive), plenty);
    expect(result.objects).toBe(2);
    expect(fake.sent.map((e) => e.eventId).sort()).toEqual(
      [...events.slice(0, 5), ...events.slice(10, 20)].map((e) => e.eventId).sort(),
    );
  });

  it('fails the item batch with a typed error when any delivery failed, so ToleratedFailurePercentage 0 sees it', async () => {
    const archive = archiveOf(events);
    const victim = (events[0] as Envelope).aggregateId;
    const fake = recordingTarget(victim);
    const failure = await handlerWith(archive, fake)(batchOf(archive), plenty).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(Error);
    // Step Functions sees the Node.js error's name as the task's error (the state machine retries it by name).
    expect((failure as Error).name).toBe(BACKFILL_ERROR_NAMES.deliveryFailed);
    expect((failure as Error).message).toMatch(/5 of 20 events were not delivered.*throttled/);
    // The other aggregates were delivered: partial progress, safe to re-run (duplicates are skipped downstream).
    expect(fake.sent.every((e) => e.aggregateId !== victim)).toBe(true);
    expect(fake.sent).toHaveLength(15);
  });

  it('fails the batch when the archive holds conflicting events (held, not delivered)', async () => {
    const rival = { ...(events[1] as Envelope), eventId: 'RIVAL' };
    const archive = archiveOf([...events, rival]);
    const failure = await handlerWith(archive, recordingTarget())(batchOf(archive), plenty).catch(
      (e: unknown) => e,
    );
    expect((failure as Error).name).toBe(BACKFILL_ERROR_NAMES.conflict);
  });

  it('refuses a projection table the role is not granted, naming the config key, before building a target', async () => {
    const archive = archiveOf(events);
    const fake = recordingTarget();
    const handler = handlerWith(archive, fake);
    const failure = await handler(batchOf(archive, { table: 'someone-elses' }), plenty).catch(
      (e: unknown) => e,
    );
    expect((failure as Error).name).toBe(BACKFILL_ERROR_NAMES.tableNotGranted);
    expect((failure as Error).message).toContain('replay.projectionTables');
    expect(fake.built).toEqual([]);
    // A granted table and the live table are accepted.
    await handler(batchOf(archive, { table: 'orders-rebuild' }), plenty);
    await handler(batchOf(archive, { table: 'aggregates-live' }), plenty);
    expect(fake.built.map((o) => o.table)).toEqual(['orders-rebuild', 'aggregates-live']);
  });

  it('fails fast, before reading or sending, when the listed sizes do not fit the remaining time', async () => {
    const archive = archiveOf(events);
    const fake = recordingTarget();
    const failure = await handlerWith(archive, fake, { rate: 1 })(batchOf(archive), {
      getRemainingTimeInMillis: () => 5_000,
    }).catch((e: unknown) => e);
    expect((failure as Error).name).toBe(BACKFILL_ERROR_NAMES.batchTooLarge);
    expect((failure as Error).message).toMatch(/only 5 s remain/);
    expect(fake.built).toEqual([]);
  });

  it('fails fast when the batch may spill more than /tmp has free', async () => {
    const archive = archiveOf(events);
    const failure = await handlerWith(
      archive,
      recordingTarget(),
      {},
      1024,
    )(batchOf(archive), plenty).catch((e: unknown) => e);
    expect((failure as Error).name).toBe(BACKFILL_ERROR_NAMES.batchTooLarge);
    expect((failure as Error).message).toMatch(/\/tmp/);
  });

  it('refuses to start sending when the exact event count cannot be sent in the remaining time', async () => {
    const archive = archiveOf(events);
    const fake = recordingTarget();
    // A tiny assumed compression ratio lets the pre-read estimate pass; the read finds 20 events at 1 event/s.
    const failure = await handlerWith(archive, fake, { rate: 1, compressionRatio: 0.0001 })(
      batchOf(archive),
      {
        getRemainingTimeInMillis: () => 40_000,
      },
    ).catch((e: unknown) => e);
    expect((failure as Error).name).toBe(BACKFILL_ERROR_NAMES.batchTooLarge);
    expect((failure as Error).message).toMatch(/sending 20 events.*nothing was sent/);
    expect(fake.sent).toEqual([]);
  });

  it('reads its settings from the function variables and rejects bad ones', () => {
    const variables = {
      REPLAY_RATE: '500',
      REPLAY_EVENT_BYTES: '256',
      REPLAY_COMPRESSION_RATIO: '10',
      REPLAY_PROJECTION_TABLES: '["a","b"]',
    };
    expect(replayFunctionSettings(variables)).toEqual({
      rate: 500,
      eventBytes: 256,
      compressionRatio: 10,
      projectionTables: ['a', 'b'],
    });
    expect(() => replayFunctionSettings({ ...variables, REPLAY_RATE: '0' })).toThrow(/REPLAY_RATE/);
    expect(() => replayFunctionSettings({ ...variables, REPLAY_PROJECTION_TABLES: '"a"' })).toThrow(
      /REPLAY_PROJECTION_TABLES/,
    );
  });
});
