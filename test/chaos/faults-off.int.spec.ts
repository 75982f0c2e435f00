import { afterAll, expect, it } from 'vitest';
import { FAULT_KINDS } from '../../local/faults/index.js';
import { type RunningLocalStack, startLocalStack } from '../../local/stack/index.js';
import { useTempDir } from '../support/temp-dir.js';

const dir = useTempDir('faults-off-');
let stack: RunningLocalStack | undefined;

afterAll(async () => {
  await stack?.stop();
});

it('fault injection is off unless asked for: no injector, nothing counted', async () => {
  stack = await startLocalStack({ dataDir: dir(), quiet: true, logLevel: 'SILENT' });
  expect(stack.faults()).toBeUndefined();
});

it('with faults asked for, every kind starts at zero and is counted from there', async () => {
  await stack?.stop();
  stack = await startLocalStack({ dataDir: dir(), quiet: true, logLevel: 'SILENT', faults: { rate: 0 } });
  expect(Object.values(stack.faults() ?? {})).toEqual(FAULT_KINDS.map(() => 0));
});
