import { describe, expect, it } from 'vitest';
import { EventCounter } from '../../load/event-counter.js';
import { lagIsGrowing, lagSamples, summarizeLag } from '../../load/lag.js';
import { RunLedger } from '../../load/ledger.js';
import type { ProjectionSnapshot } from '../../load/projection-reader.js';
import { verifyRun } from '../../load/verifier.js';
import { chainOf, recentKey } from '../../processors/engine/index.js';
import { seededLane } from './lane-fixture.js';

/** Given a ledger of accepted requests (2 aggregates, 3 requests of 2 events). */
function acceptedRun() {
  const ledger = new RunLedger();
  const lane = seededLane({ listener: ledger, seed: 3, aggregates: 2, eventsPerRequest: 2, maxAttempts: 2 });
  for (let i = 0; i < 3; i++) {
    lane.nextBody(1000 * i);
    lane.respond(202, 1000 * i + 10);
  }
  return { ledger, lane };
}

/** The projections a correct pipeline would hold. */
function correctProjections(ledger: RunLedger, appliedDelay = 50): Map<string, ProjectionSnapshot> {
  const projections = new Map<string, ProjectionSnapshot>();
  for (const [aggregateId, events] of ledger.aggregates) {
    const accepted = events.filter((e) => e.outcome === 'accepted');
    projections.set(aggregateId, {
      aggregateId,
      version: accepted.length,
      chain: chainOf(accepted.map((e) => e.eventId)),
      recent: accepted.map((e) => recentKey(e.eventId)),
      recentAppliedAt: accepted.map((e) => (e.acceptedAt ?? 0) + appliedDelay),
    });
  }
  return projections;
}

function countedOnce(ledger: RunLedger): EventCounter {
  const counter = new EventCounter(() => true);
  for (const event of ledger.events()) if (event.outcome === 'accepted') counter.add(event);
  return counter;
}

describe('verifyRun', () => {
  it('passes when projection, archive and bus hold every accepted event once, in order', () => {
    const { ledger } = acceptedRun();
    const result = verifyRun(ledger, {
      projections: correctProjections(ledger),
      archive: countedOnce(ledger),
      bus: countedOnce(ledger),
    });
    expect(result.ok).toBe(true);
    expect(result.acceptedEvents).toBe(6);
    expect(result.archive).toMatchObject({ expected: 6, found: 6, missing: 0, duplicatedEvents: 0 });
  });

  it('fails an aggregate whose chain shows two events applied in the wrong order', () => {
    const { ledger } = acceptedRun();
    const projections = correctProjections(ledger);
    const [aggregateId, events] = [...ledger.aggregates].find(([, e]) => e.length >= 2) ?? [];
    if (aggregateId === undefined || events === undefined)
      throw new Error('fixture needs an aggregate with 2 events');
    const ids = events.map((e) => e.eventId);
    [ids[0], ids[1]] = [ids[1] as string, ids[0] as string];
    projections.set(aggregateId, {
      ...(projections.get(aggregateId) as ProjectionSnapshot),
      chain: chainOf(ids),
    });
    const result = verifyRun(ledger, { projections, archive: countedOnce(ledger), bus: countedOnce(ledger) });
    expect(result.ok).toBe(false);
    expect(result.mismatches).toEqual([{ aggregateId, problems: [expect.stringMatching(/chain differs/)] }]);
  });

  it('fails a lost event (version short) and a missing archive copy, listing them by aggregate', () => {
    const { ledger } = acceptedRun();
    const projections = correctProjections(ledger);
    const [aggregateId, snapshot] = [...projections][0] as [string, ProjectionSnapshot];
    projections.set(aggregateId, { ...snapshot, version: snapshot.version - 1 });
    const archive = new EventCounter(() => true);
    const result = verifyRun(ledger, { projections, archive, bus: countedOnce(ledger) });
    expect(result.ok).toBe(false);
    expect(result.archive?.missing).toBe(6);
    const problems = result.mismatches.find((m) => m.aggregateId === aggregateId)?.problems ?? [];
    expect(problems.some((p) => /version \d+, expected \d+/.test(p))).toBe(true);
    expect(problems.some((p) => /archive: \d+ accepted event\(s\) missing/.test(p))).toBe(true);
  });

  it('counts at-least-once duplicates in the archive without failing', () => {
    const { ledger } = acceptedRun();
    const archive = countedOnce(ledger);
    const first = [...ledger.events()][0];
    if (first !== undefined) archive.add(first);
    const result = verifyRun(ledger, {
      projections: correctProjections(ledger),
      archive,
      bus: countedOnce(ledger),
    });
    expect(result.ok).toBe(true);
    expect(result.archive).toMatchObject({ duplicatedEvents: 1, extraCopies: 1 });
  });

  it('accepts an uncertain tail as written or not (prefix check)', () => {
    const { ledger, lane } = acceptedRun();
    lane.nextBody(5000);
    lane.abandon(5001);
    expect(ledger.counts().uncertain).toBe(2);
    const bus = countedOnce(ledger);
    const result = verifyRun(ledger, {
      projections: correctProjections(ledger),
      archive: countedOnce(ledger),
      bus,
    });
    expect(result.ok).toBe(true);
  });
});

describe('lag', () => {
  it('measures applied time minus the 202 time for events in the recent window', () => {
    const { ledger } = acceptedRun();
    const samples = lagSamples(ledger, correctProjections(ledger, 75));
    expect(samples).toHaveLength(6);
    expect(samples.every((s) => s.lagMs === 75)).toBe(true);
    const summary = summarizeLag(samples, 6);
    expect(summary.coverage).toBe(1);
    expect(lagIsGrowing(summary)).toBe(false);
  });
});
