import { describe, expect, it } from 'vitest';
import { InvalidLoadOptionsError } from '../../load/errors.js';
import { parseLoadOptions } from '../../load/options.js';

describe('load options: Kinesis limits', () => {
  it('--scenario shard-limits and --kinesis-limits turn them on; other runs have them off', () => {
    expect(parseLoadOptions(['--scenario', 'shard-limits']).kinesisLimits).toBe(true);
    expect(parseLoadOptions(['--scenario', 'spike', '--kinesis-limits']).kinesisLimits).toBe(true);
    expect(parseLoadOptions(['--scenario', 'smoke']).kinesisLimits).toBe(false);
    expect(parseLoadOptions(['--scenario', 'shard-limits']).phases).toEqual([
      { rate: 1500, durationSeconds: 10 },
    ]);
  });

  it('refuses a running stack, find-max and chaos with them', () => {
    const cases: [string[], RegExp][] = [
      [['--scenario', 'shard-limits', '--data-dir', '.local'], /starts its own local stack/],
      [['--kinesis-limits', '--find-max'], /--find-max cannot run --kinesis-limits/],
      [['--scenario', 'chaos', '--kinesis-limits'], /cannot run with --scenario chaos/],
    ];
    for (const [argv, message] of cases) {
      expect(() => parseLoadOptions(argv), argv.join(' ')).toThrow(InvalidLoadOptionsError);
      expect(() => parseLoadOptions(argv), argv.join(' ')).toThrow(message);
    }
  });
});
