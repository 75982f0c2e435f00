import { describe, expect, it } from 'vitest';
import { parseStartFlags } from '../../local/cli/start-flags.js';

describe('npm start -- --kinesis-limits', () => {
  it('turns the Kinesis limits on; they are off without the flag', () => {
    expect(parseStartFlags(['--kinesis-limits']).options.kinesisLimits).toBe(true);
    expect(parseStartFlags([]).options.kinesisLimits).toBeUndefined();
  });
});
