import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { generateOrderEvents } from '../../processors/aggregates/index.js';
import type { Envelope } from '../../processors/envelope/index.js';
import {
  CheckpointError,
  type DeliveryOutcome,
  formatVerification,
  ReplayOptionsError,
  runReplay,
  verifyArchive,
} from '../../processors/replay/index.js';
import { formatProgress, parseReplayArgs, progressPrinter } from '../../tools/replay/index.js';
import { useTempDir } from '../support/temp-dir.js';
import { MemoryArchive } from './memory-archive.js';
import { archiveHour, firstHours, registry } from './replay-fixture.js';

const range = firstHours(3);
const events = generateOrderEvents({ aggregates: 6, eventsPerAggregate: 6, seed: 21 });
const tempDir = useTempDir('replay-unit-');

function archiveOf(envelopes: readonly Envelope[], perObject = 5): MemoryArchive {
  const archive = new MemoryArchive();
  for (let i = 0; i < envelopes.length; i += perObject) {
    archive.put(archiveHour((i / perObject) % 3, i % 60), envelopes.slice(i, i + perObject));
  }
  return archive;
}

describe('archive verify', () => {
  it('reports the gap a lost object leaves, and conflicts', async () => {
    const lost = events.filter(
      (e) => !(e.aggregateId === events[0]?.aggregateId && (e.sequence === 3 || e.sequence === 4)),
    );
    const rival = { ...(events[1] as Envelope), eventId: 'RIVAL' };
    const v = await verifyArchive({ source: archiveOf([...lost, rival]), registry, range });
    expect(v.ok).toBe(false);
    expect(v.totals.missingSequences).toBe(2);
    expect(v.totals.conflicts).toBe(1);
    const gap = v.aggregates.find((a) => a.aggregateId === events[0]?.aggregateId);
    expect(gap?.gaps).toEqual([{ from: 3, to: 4 }]);
    expect(formatVerification(v)).toContain('3-4');
  });
});

describe('delivery failures', () => {
  it('stops an aggregate at its first failed event and retries it from there on resume', async () => {
    const archive = archiveOf(events);
    const victim = (events[0] as Envelope).aggregateId;
    const delivered: Envelope[] = [];
    const checkpointFile = join(tempDir(), 'failures.json');
    let failing = true;
    const target = {
      description: 'flaky',
      async send(batch: readonly Envelope[]): Promise<DeliveryOutcome[]> {
        // Like the producer: nothing of an aggregate goes out after its failed event in the same call.
        let stopped = false;
        return batch.map((e) => {
          if (failing && e.aggregateId === victim && (e.sequence === 3 || stopped)) {
            stopped = true;
            return { status: 'failed', message: 'boom' };
          }
          delivered.push(e);
          return { status: 'sent' };
        });
      },
    };
    const options = {
      source: archive,
      registry,
      range,
      target,
      targetName: 't',
      chunkSize: 4,
      checkpointFile,
    };
    const first = await runReplay(options);
    expect(first.failed).toBe(4);
    expect(delivered.filter((e) => e.aggregateId === victim).map((e) => e.sequence)).toEqual([1, 2]);
    failing = false;
    const second = await runReplay({ ...options, resume: true });
    expect(second.failed).toBe(0);
    expect(delivered.filter((e) => e.aggregateId === victim).map((e) => e.sequence)).toEqual([
      1, 2, 3, 4, 5, 6,
    ]);
    expect(delivered).toHaveLength(events.length);
  });

  it('refuses a checkpoint written by a different replay', async () => {
    const archive = archiveOf(events);
    const checkpointFile = join(tempDir(), 'other.json');
    const target = {
      description: 'ok',
      send: async (b: readonly Envelope[]) => b.map(() => ({ status: 'sent' as const })),
    };
    await runReplay({ source: archive, registry, range, target, targetName: 'a', checkpointFile });
    await expect(
      runReplay({ source: archive, registry, range, target, targetName: 'b', checkpointFile, resume: true }),
    ).rejects.toBeInstanceOf(CheckpointError);
  });

  it('a dry run counts what would be sent and writes nothing', async () => {
    const summary = await runReplay({
      source: archiveOf(events),
      registry,
      range,
      targetName: 'dry',
      dryRun: true,
      filter: { eventTypes: ['OrderPlaced'] },
    });
    expect(summary).toMatchObject({ toSend: 6, sent: 0, byEventType: { OrderPlaced: 6 } });
    expect(summary.read.filteredOut).toBe(30);
  });
});

describe('replay CLI flags', () => {
  const now = new Date('2026-01-01T12:00:00Z');
  it('parses relative times, filters and target', () => {
    const args = parseReplayArgs(
      [
        '--',
        '--from',
        '-2h',
        '--target',
        'projection',
        '--projection-table',
        'rebuild',
        '--aggregate-id',
        'a',
        '--aggregate-id',
        'b',
        '--rate',
        '500',
        '--yes',
      ],
      now,
    );
    expect(args.range?.from.toISOString()).toBe('2026-01-01T10:00:00.000Z');
    expect(args.range?.to.toISOString()).toBe('2026-01-01T12:00:00.000Z');
    expect(args).toMatchObject({
      target: 'projection',
      projectionTable: 'rebuild',
      rate: 500,
      yes: true,
      filter: { aggregateIds: ['a', 'b'] },
    });
  });

  it.each([
    [['--target', 'stream'], /--from is required/],
    [['--from', '-1h', '--target', 'queue'], /--target must be one of/],
    [['--from', '-1h'], /--target is required/],
    [['--from', '-1h', '--to', '-2h', '--target', 'bus'], /must be before/],
    [['--from', '-1h', '--target', 'bus', '--rate', 'fast'], /--rate must be a number/],
    [
      ['--from', '-1h', '--target', 'projection', '--event-type', 'OrderPaid'],
      /cannot be used with --target projection/,
    ],
    [['--from', '-1h', '--target', 'bus', '--nope'], /Unknown option/],
    [
      ['--from', '-1h', '--target', 'projection', '--table', 'rebuild'],
      /the table to fold into is --projection-table/,
    ],
    [['--from', '-1h', '--target', 'bus', '--projection-table', 't'], /applies only to --target projection/],
  ])('rejects %j', (argv, message) => {
    expect(() => parseReplayArgs(argv, now)).toThrow(ReplayOptionsError);
    expect(() => parseReplayArgs(argv, now)).toThrow(message);
  });

  it('draws progress with events/s and ETA', () => {
    const line = formatProgress({
      phase: 'send',
      objectsDone: 4,
      objectsTotal: 4,
      eventsDone: 500,
      eventsTotal: 1000,
      elapsedMs: 10_000,
    });
    expect(line).toContain('events 500/1000');
    expect(line).toContain('50 ev/s');
    expect(line).toContain('ETA 10s');
  });

  it.each([false, true])('ends each phase on its final figures (TTY: %s)', (isTTY) => {
    const written: string[] = [];
    const stream = { isTTY, write: (text: string) => written.push(text) } as unknown as NodeJS.WriteStream;
    const printer = progressPrinter(stream);
    const at = (phase: 'read' | 'send', objectsDone: number, eventsDone: number) => ({
      phase,
      objectsDone,
      objectsTotal: 2,
      eventsDone,
      eventsTotal: 300,
      elapsedMs: 100,
    });
    printer.update(at('read', 1, 0));
    printer.update(at('read', 2, 0)); // throttled: too soon after the first
    printer.update(at('send', 2, 300));
    printer.done();
    const text = written.join('');
    expect(text).toMatch(/read .*objects 2\/2/);
    expect(text).toMatch(/send .*events 300\/300/);
    expect(text.indexOf('objects 2/2')).toBeLessThan(text.indexOf('send'));
    // Nothing is drawn twice.
    expect(text.split('events 300/300')).toHaveLength(2);
  });
});

describe('distributed backfill input', () => {
  it('lists the common prefix of the range and carries range, target and options', async () => {
    const { backfillExecutionInput } = await import('../../tools/replay/index.js');
    const input = backfillExecutionInput('events/', {
      range: { from: new Date('2026-01-01T22:00:00Z'), to: new Date('2026-01-02T02:00:00Z') },
      target: 'projection',
      table: 'rebuild',
    });
    expect(input).toEqual({
      prefix: 'events/2026/01/',
      from: '2026-01-01T22:00:00.000Z',
      to: '2026-01-02T02:00:00.000Z',
      target: 'projection',
      table: 'rebuild',
    });
    const oneHour = backfillExecutionInput('events/', {
      range: { from: new Date('2026-01-01T22:20:00Z'), to: new Date('2026-01-01T22:50:00Z') },
      target: 'bus',
    });
    expect(oneHour.prefix).toBe('events/2026/01/01/22/');
  });

  it('lists the hour before a range that starts within the arrival slack of the hour (folders are named after the oldest record)', async () => {
    const { backfillExecutionInput } = await import('../../tools/replay/index.js');
    const input = backfillExecutionInput('events/', {
      range: { from: new Date('2026-01-01T22:05:00Z'), to: new Date('2026-01-01T22:50:00Z') },
      target: 'bus',
    });
    // An object in …/21/ opened at 21:58 can hold records that arrived at 22:05.
    expect(input.prefix).toBe('events/2026/01/01/');
  });
});
