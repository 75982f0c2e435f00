/**
 * Firehose reads its Kinesis source from LATEST when it is created
 * (https://docs.aws.amazon.com/firehose/latest/dev/writing-with-kinesis-streams.html): a record written to the stream
 * before the delivery stream exists is never archived. On a new stack, the functions this program deploys that write
 * to the stream (ingest, the backfill's replay Lambda) must therefore be created after the delivery stream: their
 * `STREAM_NAME` input depends on it, which the engine turns into a creation-order dependency.
 */
import * as pulumi from '@pulumi/pulumi';
import { describe, expect, it } from 'vitest';
import { loadStackConfigFile } from '../../config/stack-config-file.js';
import { installMocks, stubBundler, waitForRegistrations } from './pulumi-mocks.js';

interface Registered {
  readonly type: string;
  readonly name: string;
  readonly resource: pulumi.Resource;
  readonly props: Record<string, unknown>;
}

async function register(stack: string): Promise<Registered[]> {
  await installMocks(stack);
  const { createPipeline } = await import('../../pulumi/pipeline.js');
  const seen: Registered[] = [];
  await pulumi.runtime.runInPulumiStack(async () => {
    pulumi.runtime.registerStackTransformation((args) => {
      seen.push({ type: args.type, name: args.name, resource: args.resource, props: args.props });
      return undefined;
    });
    createPipeline(loadStackConfigFile(stack), { bundler: stubBundler() });
    return {};
  });
  await waitForRegistrations();
  return seen;
}

/** Every resource an input (with nested outputs) depends on. */
async function dependenciesOf(input: unknown): Promise<Set<pulumi.Resource>> {
  const output = pulumi.output(input) as unknown as { allResources(): Promise<Set<pulumi.Resource>> };
  return output.allResources();
}

describe('Writers to the stream wait for the archive', () => {
  it.each(['dev', 'prod'])(
    '%s: the ingest and replay functions depend on the delivery stream',
    async (stack) => {
      const seen = await register(stack);
      const deliveryStream = seen.find(
        (r) => r.type === 'aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream',
      );
      expect(deliveryStream).toBeDefined();
      const functions = seen.filter((r) => r.type === 'aws:lambda/function:Function');
      for (const [name, variable] of [
        ['ingest', 'STREAM_NAME'],
        ['backfill-replay', 'REPLAY_STREAM_NAME'],
      ] as const) {
        const fn = functions.find((f) => f.name === name);
        if (fn === undefined) throw new Error(`no function ${name}`);
        const variables = (fn.props.environment as { variables: Record<string, unknown> }).variables;
        const deps = await dependenciesOf(variables[variable]);
        expect(deps.has(deliveryStream?.resource as pulumi.Resource), name).toBe(true);
      }
    },
  );
});
