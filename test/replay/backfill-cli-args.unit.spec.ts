import { describe, expect, it } from 'vitest';
import { ReplayOptionsError } from '../../processors/replay/index.js';
import { parseReplayArgs } from '../../tools/replay/index.js';

const now = new Date('2026-11-02T00:00:00Z');
const distributed = [
  '--from',
  '-1d',
  '--target',
  'projection',
  '--projection-table',
  'orders-rebuild',
  '--distributed',
];

describe('npm run replay -- --distributed', () => {
  it('accepts a separate projection table (the state machine checks it is granted)', () => {
    expect(parseReplayArgs(distributed, now)).toMatchObject({
      distributed: true,
      target: 'projection',
      projectionTable: 'orders-rebuild',
    });
  });

  it.each([
    [['--create-table'], /--create-table cannot be used with --distributed.*replay\.projectionTables/],
    [['--rate', '100'], /--rate cannot be used with --distributed.*replay\.backfillTargetRate/],
    [['--dry-run'], /--dry-run cannot be used with --distributed/],
    [['--resume'], /--resume cannot be used with --distributed.*redrive/],
  ])('refuses %j instead of ignoring it', (extra, message) => {
    expect(() => parseReplayArgs([...distributed, ...extra], now)).toThrow(ReplayOptionsError);
    expect(() => parseReplayArgs([...distributed, ...extra], now)).toThrow(message);
  });

  it('leaves those flags alone without --distributed', () => {
    expect(
      parseReplayArgs(
        [
          '--from',
          '-1d',
          '--target',
          'projection',
          '--projection-table',
          't1',
          '--create-table',
          '--rate',
          '100',
        ],
        now,
      ),
    ).toMatchObject({ createTable: true, rate: 100, distributed: false });
  });
});
