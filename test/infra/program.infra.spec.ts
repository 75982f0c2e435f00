import { readFileSync } from 'node:fs';
import * as pulumi from '@pulumi/pulumi';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { parse } from 'yaml';
import {
  installMocks,
  named,
  ofType,
  output,
  resolve,
  stubBundler,
  waitForRegistrations,
} from './pulumi-mocks.js';

// The program bundles the real handlers through esbuildBundler; here it gets a stub (the handlers are
// written elsewhere and bundling is tested on its own).
vi.mock('../../pulumi/handler-bundle.js', async (importOriginal) => ({
  ...(await importOriginal<typeof import('../../pulumi/handler-bundle.js')>()),
  esbuildBundler: () => stubBundler(),
}));

/** The stack file's config as the Pulumi CLI hands it to the program: JSON text per key. */
function cliConfig(stack: string, patch: Record<string, unknown> = {}): Record<string, string> {
  const file = parse(readFileSync(new URL(`../../Pulumi.${stack}.yaml`, import.meta.url), 'utf8')) as {
    config: Record<string, unknown>;
  };
  const merged = { ...file.config, ...patch };
  return Object.fromEntries(
    Object.entries(merged).map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)]),
  );
}

describe('Program: pulumi/index.ts', () => {
  beforeEach(() => {
    vi.resetModules();
  });

  it('reads the stack config through pulumi.Config and exports the stack outputs', async () => {
    const resources = await installMocks('dev');
    pulumi.runtime.setAllConfig(cliConfig('dev'));
    const program = await import('../../pulumi/index.js');
    await waitForRegistrations();
    expect(await resolve(program.streamName)).toBe(
      output(named(resources, 'aws:kinesis/stream:Stream', 'events'), 'name'),
    );
    expect(await resolve(program.ingestUrl)).toMatch(/\/events$/);
    expect(await resolve(program.busName)).toBe('ordered-events-dev');
    expect(program.archivePrefix).toBe('events/');
    expect(await resolve(program.quarantinePrefix)).toBe('quarantine/');
    expect(ofType(resources, 'aws:kinesis/stream:Stream')[0]?.inputs.shardCount).toBe(1);
  });

  it('fails before registering anything when a config value is out of range, naming the key', async () => {
    const resources = await installMocks('dev');
    pulumi.runtime.setAllConfig(
      cliConfig('dev', { 'ordered-event-pipeline:processor': { parallelizationFactor: 11 } }),
    );
    await expect(import('../../pulumi/index.js')).rejects.toThrow(
      /Invalid config "ordered-event-pipeline:processor\.parallelizationFactor"/,
    );
    expect(resources).toHaveLength(0);
  });

  it('rejects a key set without --path, naming it', async () => {
    await installMocks('dev');
    pulumi.runtime.setAllConfig(cliConfig('dev', { 'ordered-event-pipeline:processor.batchSize': '100' }));
    await expect(import('../../pulumi/index.js')).rejects.toThrow(
      /"ordered-event-pipeline:processor\.batchSize": is not a known config key \(set nested keys with `pulumi config set --path`\)/,
    );
  });
});
