import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  BackfillSizingError,
  checkBatchFits,
  checkSendFits,
  LAMBDA_MAX_EPHEMERAL_MIB,
  LAMBDA_MIN_EPHEMERAL_MIB,
  MAX_OBJECTS_PER_BATCH,
  planBackfillBatches,
  SPILL_HEADER_BYTES,
} from '../../processors/replay/backfill-sizing.js';

const MiB = 2 ** 20;

describe('planBackfillBatches', () => {
  it('fits as many full objects as the timeout allows at the per-invocation rate (dev: 5 MiB objects)', () => {
    const plan = planBackfillBatches({
      objectMiB: 5,
      eventBytes: 256,
      perInvocationRate: 500,
      timeoutSeconds: 900,
    });
    // 5 MiB / 256 B = 20,480 events: 40.96 s to send at 500/s + 1.02 s to read; 900 × 0.8 − 30 = 690 s usable.
    expect(plan.usableSeconds).toBe(690);
    expect(plan.secondsPerObject).toBeCloseTo(41.984, 3);
    expect(plan.objectsPerBatch).toBe(16);
    // 16 objects spill at most 16 × 5 MiB × (1 + 160/256) ≈ 130 MiB: the 512 MB minimum is enough.
    expect(plan.ephemeralStorageMiB).toBe(LAMBDA_MIN_EPHEMERAL_MIB);
  });

  it('rejects a configuration where one object cannot be replayed in one invocation, naming the config keys', () => {
    // 128 MiB objects (prod's Firehose buffer) at 500 events/s: 524,288 events take ≈ 1,075 s > 690 s.
    const attempt = () =>
      planBackfillBatches({ objectMiB: 128, eventBytes: 256, perInvocationRate: 500, timeoutSeconds: 900 });
    expect(attempt).toThrow(BackfillSizingError);
    expect(attempt).toThrow(
      /replay\.backfillPerInvocationRate.*replay\.backfillTimeoutSeconds.*archive\.bufferSizeMiB/,
    );
    try {
      attempt();
    } catch (error) {
      expect((error as BackfillSizingError).keys).toContain('archive.bufferSizeMiB');
    }
  });

  it('bounds the batch by /tmp when the disk binds before the time, and sizes ephemeral storage for it', () => {
    // 128 MiB objects of 1 KiB events at 100,000/s: ≈ 7.9 s each, so time allows 87; each spills ≈ 148 MiB,
    // so 10,240 MiB of /tmp (with 25 % head room) holds 55.
    const plan = planBackfillBatches({
      objectMiB: 128,
      eventBytes: 1024,
      perInvocationRate: 100_000,
      timeoutSeconds: 900,
    });
    expect(plan.objectsPerBatch).toBe(55);
    expect(plan.spillMiBPerObject).toBeCloseTo(128 * (1 + SPILL_HEADER_BYTES / 1024), 6);
    expect(plan.ephemeralStorageMiB).toBeLessThanOrEqual(LAMBDA_MAX_EPHEMERAL_MIB);
    expect(plan.ephemeralStorageMiB).toBeGreaterThanOrEqual(55 * plan.spillMiBPerObject);
  });

  it('rejects an operator cap larger than what fits, and honours a smaller one', () => {
    const base = { objectMiB: 5, eventBytes: 256, perInvocationRate: 500, timeoutSeconds: 900 };
    expect(() => planBackfillBatches({ ...base, objectsPerBatch: 17 })).toThrow(
      /replay\.backfillObjectsPerBatch/,
    );
    expect(planBackfillBatches({ ...base, objectsPerBatch: 4 }).objectsPerBatch).toBe(4);
  });

  it('rejects a timeout Lambda does not allow', () => {
    expect(() =>
      planBackfillBatches({ objectMiB: 1, eventBytes: 256, perInvocationRate: 500, timeoutSeconds: 901 }),
    ).toThrow(/replay\.backfillTimeoutSeconds/);
  });

  it('any plan it returns fits the time, the disk and the payload cap; faster rates never shrink it', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 128 }),
        fc.integer({ min: 64, max: 4096 }),
        fc.integer({ min: 1, max: 100_000 }),
        fc.integer({ min: 60, max: 900 }),
        (objectMiB, eventBytes, perInvocationRate, timeoutSeconds) => {
          const input = { objectMiB, eventBytes, perInvocationRate, timeoutSeconds };
          let plan: ReturnType<typeof planBackfillBatches>;
          try {
            plan = planBackfillBatches(input);
          } catch (error) {
            expect(error).toBeInstanceOf(BackfillSizingError);
            return;
          }
          expect(plan.objectsPerBatch).toBeGreaterThanOrEqual(1);
          expect(plan.objectsPerBatch).toBeLessThanOrEqual(MAX_OBJECTS_PER_BATCH);
          expect(plan.objectsPerBatch * plan.secondsPerObject).toBeLessThanOrEqual(plan.usableSeconds);
          expect(plan.usableSeconds).toBeLessThan(timeoutSeconds);
          expect(plan.objectsPerBatch * plan.spillMiBPerObject).toBeLessThanOrEqual(plan.ephemeralStorageMiB);
          expect(plan.ephemeralStorageMiB).toBeLessThanOrEqual(LAMBDA_MAX_EPHEMERAL_MIB);
          expect(plan.ephemeralStorageMiB).toBeGreaterThanOrEqual(LAMBDA_MIN_EPHEMERAL_MIB);
          const faster = planBackfillBatches({ ...input, perInvocationRate: perInvocationRate * 2 });
          expect(faster.objectsPerBatch).toBeGreaterThanOrEqual(plan.objectsPerBatch);
        },
      ),
    );
  });
});

describe('checkBatchFits / checkSendFits (the replay Lambda before it starts)', () => {
  const fit = {
    compressedBytes: 10 * MiB,
    compressionRatio: 10,
    eventBytes: 256,
    perInvocationRate: 1000,
    remainingMs: 900_000,
    freeTmpBytes: 10 * 1024 * MiB,
  };

  it('accepts a batch that fits and names what is short otherwise', () => {
    // 100 MiB uncompressed ≈ 409,600 events: 409.6 s at 1,000/s plus 20.5 s to read.
    expect(checkBatchFits(fit)).toBeUndefined();
    expect(checkBatchFits({ ...fit, remainingMs: 300_000 })).toMatch(/needs ≈ 431 s .* only 300 s remain/);
    expect(checkBatchFits({ ...fit, freeTmpBytes: 100 * MiB })).toMatch(/spill ≈ 163 MiB .* only 100 MiB/);
  });

  it('checks the exact event count against the time left after the read', () => {
    expect(checkSendFits(1000, 100, 60_000)).toBeUndefined();
    expect(checkSendFits(1000, 10, 60_000)).toMatch(/takes ≈ 100 s, but only 30 s remain/);
  });
});
