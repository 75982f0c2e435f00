import { describe, expect, it } from 'vitest';
import { parsePipelineConfig } from '../../config/config-schema.js';
import { PipelineConfigError } from '../../pulumi/errors.js';

describe('replay config keys of distributed backfills', () => {
  it('defaults: no separate projection tables, a 900 s function, 256 B events, batches sized to fit', () => {
    const { replay } = parsePipelineConfig({});
    expect(replay).toMatchObject({
      backfillTimeoutSeconds: 900,
      backfillMemoryMb: 1024,
      backfillEventBytes: 256,
      projectionTables: [],
    });
    expect(replay.backfillObjectsPerBatch).toBeUndefined();
  });

  it('accepts DynamoDB table names and refuses others, and repeats, naming the key', () => {
    expect(
      parsePipelineConfig({ replay: { projectionTables: ['orders-rebuild', 'v2.orders_2026'] } }).replay,
    ).toMatchObject({ projectionTables: ['orders-rebuild', 'v2.orders_2026'] });
    for (const projectionTables of [['no spaces'], ['ab'], ['t1', 't1']]) {
      expect(() => parsePipelineConfig({ replay: { projectionTables } })).toThrow(PipelineConfigError);
      expect(() => parsePipelineConfig({ replay: { projectionTables } })).toThrow(
        /ordered-event-pipeline:replay\.projectionTables/,
      );
    }
  });

  it('refuses a timeout Lambda does not allow and a batch cap above the payload bound', () => {
    expect(() => parsePipelineConfig({ replay: { backfillTimeoutSeconds: 901 } })).toThrow(
      /replay\.backfillTimeoutSeconds/,
    );
    expect(() => parsePipelineConfig({ replay: { backfillObjectsPerBatch: 501 } })).toThrow(
      /replay\.backfillObjectsPerBatch/,
    );
  });
});
