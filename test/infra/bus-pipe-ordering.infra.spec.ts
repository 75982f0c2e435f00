import * as pulumi from '@pulumi/pulumi';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { installMocks, type RecordedResource, stubBundler, waitForRegistrations } from './pulumi-mocks.js';

/** What a stack transformation saw of one resource: its options, as the engine will get them. */
interface SeenResource {
  readonly type: string;
  readonly name: string;
  readonly dependsOn: readonly string[];
}

const DELAY = 'pulumi-nodejs:dynamic:Resource';

let resources: RecordedResource[];
const seen: SeenResource[] = [];
let provider: pulumi.dynamic.ResourceProvider;

beforeAll(async () => {
  resources = await installMocks('dev');
  const { BusBridge, iamPropagationDelayProvider } = await import('../../pulumi/bus-bridge.js');
  provider = iamPropagationDelayProvider;
  const names = new Map<pulumi.Resource, string>();
  await pulumi.runtime.runInPulumiStack(async () => {
    // Records every resource's options (dependsOn) before registration: the ordering the engine follows.
    pulumi.runtime.registerStackTransformation((args) => {
      names.set(args.resource, args.name);
      const dependsOn = [args.opts.dependsOn ?? []].flat() as pulumi.Resource[];
      seen.push({
        type: args.type,
        name: args.name,
        dependsOn: dependsOn.map((r) => names.get(r) ?? '?'),
      });
      return undefined;
    });
    new BusBridge('bus', {
      streamArn: 'arn:aws:kinesis:us-east-1:123456789012:stream/events',
      streamKeyArn: 'arn:aws:kms:us-east-1:123456789012:key/k',
      accountId: '123456789012',
      busName: 'bus',
      sourcePrefix: 'pipeline',
      aggregateTypes: ['order', 'customer'],
      enrichmentCode: stubBundler()({ entry: 'processors/bus-bridge/handler.ts' }),
    });
  });
  await waitForRegistrations();
});

afterEach(() => {
  vi.useRealTimers();
});

describe('the Pipe waits for its role policy to propagate (IAM is eventually consistent)', () => {
  it('creates the Pipe only after the policy and a wait that depends on the policy', () => {
    const pipe = seen.find((r) => r.type === 'aws:pipes/pipe:Pipe');
    const delay = seen.find((r) => r.type === DELAY);
    expect(pipe?.dependsOn).toEqual(expect.arrayContaining(['bus-pipe-policy', 'bus-pipe-role-propagation']));
    expect(delay).toMatchObject({ name: 'bus-pipe-role-propagation', dependsOn: ['bus-pipe-policy'] });
  });

  it('waits again whenever the policy document changes, for 60 s by default', () => {
    const delay = resources.find((r) => r.type === DELAY);
    const policy = resources.find((r) => r.name === 'bus-pipe-policy');
    expect(delay?.inputs).toMatchObject({ seconds: 60, policy: policy?.inputs.policy });
    // The provider travels as serialized code to the dynamic provider host, which has only globals.
    expect(String(delay?.inputs.__provider)).toContain('setTimeout');
  });

  it('create() resolves only after the configured seconds', async () => {
    vi.useFakeTimers();
    let done = false;
    const created = provider.create({ seconds: 60, policy: '{}', role: 'r' }).then((result) => {
      done = true;
      return result;
    });
    await vi.advanceTimersByTimeAsync(59_999);
    expect(done).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(await created).toMatchObject({ outs: { seconds: 60, policy: '{}', role: 'r' } });
  });

  it('diff() replaces (so waits again) on a policy or role change, and only then', async () => {
    const diff = provider.diff?.bind(provider);
    const old = { seconds: 60, policy: '{"a":1}', role: 'r' };
    expect(await diff?.('id', old, { ...old })).toMatchObject({ changes: false, replaces: [] });
    expect(await diff?.('id', old, { ...old, policy: '{"a":2}' })).toMatchObject({
      changes: true,
      replaces: ['policy'],
    });
  });
});
