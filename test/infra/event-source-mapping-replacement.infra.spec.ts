/**
 * Toggling enhanced fan-out changes the mapping's source ARN, which the provider can only apply by replacing the
 * mapping (`event_source_arn`, `starting_position` and `starting_position_timestamp` are ForceNew in
 * terraform-provider-aws, internal/service/lambda/event_source_mapping.go). Pulumi replaces create-before-delete
 * unless `deleteBeforeReplace` is set (https://www.pulumi.com/docs/iac/concepts/options/deletebeforereplace/):
 * two mappings on the same stream would apply the same aggregates concurrently. The options a resource was
 * registered with are not visible to the mocks, so a stack transformation captures them.
 */
import * as pulumi from '@pulumi/pulumi';
import { describe, expect, it } from 'vitest';
import { type PipelineConfig, parsePipelineConfig } from '../../config/config-schema.js';
import { loadStackConfigFile } from '../../config/stack-config-file.js';
import { installMocks, stubBundler, waitForRegistrations } from './pulumi-mocks.js';

const ESM = 'aws:lambda/eventSourceMapping:EventSourceMapping';

interface Registered {
  readonly type: string;
  readonly name: string;
  readonly props: Record<string, unknown>;
  readonly opts: pulumi.CustomResourceOptions;
}

/** Runs the program inside a stack with a transformation that records every resource's inputs and options. */
async function register(stack: string, config: PipelineConfig): Promise<Registered[]> {
  await installMocks(stack);
  const { createPipeline } = await import('../../pulumi/pipeline.js');
  const seen: Registered[] = [];
  await pulumi.runtime.runInPulumiStack(async () => {
    pulumi.runtime.registerStackTransformation((args) => {
      seen.push({ type: args.type, name: args.name, props: args.props, opts: args.opts });
      return undefined;
    });
    createPipeline(config, { bundler: stubBundler() });
    return {};
  });
  await waitForRegistrations();
  return seen;
}

describe('Event source mapping replacement', () => {
  it.each(['dev', 'staging', 'prod'])(
    '%s: deletes the old mapping before creating its replacement',
    async (stack) => {
      const mappings = (await register(stack, loadStackConfigFile(stack))).filter((r) => r.type === ESM);
      expect(mappings).toHaveLength(1);
      expect(mappings[0]?.opts.deleteBeforeReplace).toBe(true);
      expect(mappings[0]?.props.startingPosition).toBe('TRIM_HORIZON');
    },
  );

  it('starts a new or replaced mapping at the configured timestamp for a hand-over', async () => {
    const base = loadStackConfigFile('prod');
    const config: PipelineConfig = {
      ...base,
      processor: {
        ...base.processor,
        startingPosition: 'AT_TIMESTAMP',
        startingPositionTimestamp: '2026-11-30T09:00:00Z',
      },
    };
    const [mapping] = (await register('prod', config)).filter((r) => r.type === ESM);
    expect(mapping?.props).toMatchObject({
      startingPosition: 'AT_TIMESTAMP',
      startingPositionTimestamp: '2026-11-30T09:00:00Z',
    });
    expect(mapping?.opts.deleteBeforeReplace).toBe(true);
  });

  it('rejects LATEST and a timestamp without AT_TIMESTAMP (or the reverse) in the stack config', () => {
    expect(() => parsePipelineConfig({ processor: { startingPosition: 'LATEST' } })).toThrow(
      /processor\.startingPosition": LATEST is not allowed/,
    );
    expect(() => parsePipelineConfig({ processor: { startingPosition: 'AT_TIMESTAMP' } })).toThrow(
      /processor\.startingPositionTimestamp": is required when processor\.startingPosition is AT_TIMESTAMP/,
    );
    expect(() =>
      parsePipelineConfig({ processor: { startingPositionTimestamp: '2026-11-30T09:00:00Z' } }),
    ).toThrow(/must not be set unless processor\.startingPosition is AT_TIMESTAMP/);
    expect(() =>
      parsePipelineConfig({
        processor: { startingPosition: 'AT_TIMESTAMP', startingPositionTimestamp: 'yesterday' },
      }),
    ).toThrow(/startingPositionTimestamp": must be an ISO-8601 UTC timestamp/);
    expect(
      parsePipelineConfig({
        processor: { startingPosition: 'AT_TIMESTAMP', startingPositionTimestamp: '2026-11-30T09:00:00Z' },
      }).processor.startingPositionTimestamp,
    ).toBe('2026-11-30T09:00:00Z');
  });
});
