import { appendFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EventCounter } from '../../load/event-counter.js';
import type { LaneListener } from '../../load/lane.js';
import { RunLedger } from '../../load/ledger.js';
import type { ProjectionSnapshot } from '../../load/projection-reader.js';
import { RunFile, RunFileError, readRunLedger } from '../../load/run-file.js';
import { verifyRun } from '../../load/verifier.js';
import { chainOf } from '../../processors/engine/index.js';
import { seededLane } from './lane-fixture.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'load-run-file-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** A run with every kind of ending, recorded both in a ledger and in a run file. */
async function recordedRun(path: string): Promise<RunLedger> {
  const ledger = new RunLedger();
  const file = new RunFile(path);
  const listener: LaneListener = {
    onAttempt: (a) => {
      ledger.onAttempt(a);
      file.onAttempt(a);
    },
    onFinal: (f) => {
      ledger.onFinal(f);
      file.onFinal(f);
    },
  };
  const lane = seededLane({
    listener,
    seed: 9,
    prefix: 'load-x-',
    index: 2,
    aggregates: 3,
    eventsPerRequest: 3,
    maxAttempts: 2,
  });
  let t = Date.parse('2026-11-30T01:00:00Z');
  const tick = (ms: number) => {
    t += ms;
    return t;
  };
  const answer = (...statuses: (number | 'refused' | 'timeout')[]) => {
    for (const status of statuses) {
      lane.nextBody(tick(5));
      if (status !== 'timeout') lane.respond(status, tick(7));
    }
  };
  answer(202, 503, 202, 'refused', 'refused', 202, 'timeout', 500, 400, 202, 202);
  lane.nextBody(tick(5));
  lane.abandon(tick(1));
  await file.close();
  return ledger;
}

function projectionsOf(ledger: RunLedger): Map<string, ProjectionSnapshot> {
  const projections = new Map<string, ProjectionSnapshot>();
  for (const [aggregateId, events] of ledger.aggregates) {
    const ids = events.filter((e) => e.outcome === 'accepted').map((e) => e.eventId);
    projections.set(aggregateId, {
      aggregateId,
      version: ids.length,
      chain: chainOf(ids),
      recent: [],
      recentAppliedAt: [],
    });
  }
  return projections;
}

describe('readRunLedger', () => {
  it('reads back the ledger the run kept: attempts, statuses and outcomes, and so the same verdict', async () => {
    const path = join(dir, 'run.ndjson');
    const live = await recordedRun(path);
    const read = await readRunLedger(path);
    expect(read.requests).toEqual(live.requests);
    expect([...read.aggregates]).toEqual([...live.aggregates]);
    expect(read.counts()).toEqual(live.counts());
    expect(new Set(live.requests.map((r) => r.status))).toEqual(
      new Set([202, 503, 'refused', 'timeout', 500, 400]),
    );
    const counter = () => {
      const c = new EventCounter(() => true);
      for (const e of live.events()) if (e.outcome === 'accepted') c.add(e);
      return c;
    };
    const observed = { projections: projectionsOf(live), archive: counter(), bus: counter() };
    expect(verifyRun(read, observed)).toEqual(verifyRun(live, observed));
    expect(verifyRun(read, observed).ok).toBe(true);
  });

  it('counts events of a load stopped mid-request as uncertain and ignores a torn last line', async () => {
    const path = join(dir, 'killed.ndjson');
    const line = (eventId: string, status: number | 'timeout', attempt = 1) =>
      `${JSON.stringify({ aggregateId: 'load-k-0', sequence: Number(eventId.slice(1)), eventId, lane: 0, attempt, sentAt: '2026-11-30T01:00:00.000Z', respondedAt: `2026-11-30T01:00:0${attempt}.000Z`, status })}\n`;
    await writeFile(path, `${line('e1', 202)}${line('e2', 'timeout')}{"aggregateId":"load-k-0","seq`);
    const ledger = await readRunLedger(path);
    expect(ledger.aggregates.get('load-k-0')?.map((e) => [e.eventId, e.outcome])).toEqual([
      ['e1', 'accepted'],
      ['e2', 'uncertain'],
    ]);
    await appendFile(path, `\n${line('e3', 202)}`);
    await expect(readRunLedger(path)).rejects.toThrow(RunFileError);
    await expect(readRunLedger(join(dir, 'absent.ndjson'))).rejects.toThrow(/cannot read run file/);
    expect((await readFile(path, 'utf8')).length).toBeGreaterThan(0);
  });
});
