/**
 * Tracing wired per stack (docs/deploy.md, Tracing): Pulumi.staging.yaml turns it on, dev and prod leave it off. Each
 * function that writes spans (docs/tracing.md) gets the variables `lambdaTracing` reads and, only when on,
 * `xray:PutSpans` (https://docs.aws.amazon.com/service-authorization/latest/reference/list_awsx-ray.html), evaluated
 * with an IAM policy simulator; no function uses Lambda's own X-Ray tracing or a collector layer.
 */
import { runSimulation } from '@cloud-copilot/iam-simulate';
import { beforeAll, describe, expect, it } from 'vitest';
import type { PipelineConfig } from '../../config/config-schema.js';
import { loadStackConfigFile } from '../../config/stack-config-file.js';
import { tracingEnvironmentShape } from '../../processors/tracing/tracing-environment.js';
import {
  ACCOUNT_ID,
  installMocks,
  named,
  ofType,
  parsePolicy,
  REGION,
  type RecordedResource,
  stubBundler,
  waitForRegistrations,
} from './pulumi-mocks.js';

const FN = 'aws:lambda/function:Function';
const ROLE_POLICY = 'aws:iam/rolePolicy:RolePolicy';

/** The functions that write spans (docs/tracing.md): ingest, processor, the Pipe's enrichment, replay. */
const TRACED = ['ingest', 'processor', 'bus-enrichment', 'backfill-replay'];
/** The stalled check writes none, so it gets neither the variables nor the permission. */
const UNTRACED = ['stalled-check'];

async function decide(policy: unknown, action: string, region = REGION): Promise<string> {
  const result = await runSimulation(
    {
      request: {
        principal: `arn:aws:iam::${ACCOUNT_ID}:role/fn`,
        action,
        resource: { resource: '*', accountId: ACCOUNT_ID },
        contextVariables: { 'aws:RequestedRegion': region },
      },
      identityPolicies: [{ name: 'fn', policy: policy as Record<string, unknown> }],
      serviceControlPolicies: [],
      resourceControlPolicies: [],
    },
    {},
  );
  if (result.resultType === 'error') throw new Error(JSON.stringify(result.errors));
  return result.overallResult;
}

describe.each([
  ['staging', true],
  ['dev', false],
  ['prod', false],
])('Tracing of stack %s (enabled: %s)', (stack, enabled) => {
  let resources: RecordedResource[];
  let config: PipelineConfig;

  beforeAll(async () => {
    config = loadStackConfigFile(stack);
    resources = await installMocks(stack);
    const { createPipeline } = await import('../../pulumi/pipeline.js');
    createPipeline(config, { bundler: stubBundler() });
    await waitForRegistrations();
  });

  const variablesOf = (name: string) =>
    ((named(resources, FN, name).inputs.environment as { variables: Record<string, string> }).variables ??
      {}) as Record<string, string>;
  const policyOf = (name: string) =>
    parsePolicy(named(resources, ROLE_POLICY, `${name}-policy`).inputs.policy);

  it('follows the stack file', () => {
    expect(config.tracing.enabled).toBe(enabled);
  });

  it.each(TRACED)('writes the tracing variables of the stack into %s', (name) => {
    const variables = variablesOf(name);
    expect(variables).toMatchObject({
      TRACING: enabled ? 'on' : 'off',
      TRACE_SAMPLING_RATIO: String(config.tracing.samplingRatio),
      DEPLOYMENT_ENVIRONMENT: stack,
    });
    // The Lambda's own config contract reads them back (processors/tracing/tracing-environment.ts).
    expect(tracingEnvironmentShape.TRACING.parse(variables.TRACING)).toBe(enabled ? 'on' : 'off');
    expect(tracingEnvironmentShape.TRACE_SAMPLING_RATIO.parse(variables.TRACE_SAMPLING_RATIO)).toBe(
      config.tracing.samplingRatio,
    );
  });

  it.each(UNTRACED)('leaves %s untraced', (name) => {
    expect(variablesOf(name).TRACING).toBeUndefined();
    expect(JSON.stringify(policyOf(name))).not.toContain('xray:');
  });

  it.each(TRACED)(
    'grants %s xray:PutSpans in the stack’s region exactly when tracing is on, and nothing else of X-Ray',
    (name) => {
      const xray = policyOf(name).Statement.filter((s) => s.Action.some((a) => a.startsWith('xray:')));
      expect(xray).toEqual(
        enabled
          ? [
              {
                Sid: 'ExportSpans',
                Effect: 'Allow',
                Action: ['xray:PutSpans'],
                Resource: ['*'],
                Condition: { StringEquals: { 'aws:RequestedRegion': REGION } },
              },
            ]
          : [],
      );
    },
  );

  it.each([...TRACED, ...UNTRACED])(
    'lets the IAM evaluator allow %s to export spans only when on',
    async (name) => {
      const policy = policyOf(name);
      const traced = enabled && TRACED.includes(name);
      expect(await decide(policy, 'xray:PutSpans')).toBe(traced ? 'Allowed' : 'ImplicitlyDenied');
      // Another region's endpoint is refused: spans stay where the stack runs.
      expect(await decide(policy, 'xray:PutSpans', 'eu-west-1')).toBe('ImplicitlyDenied');
      // The X-Ray SDK and daemon's actions, indexing and reading traces stay denied either way.
      for (const action of [
        'xray:PutTraceSegments',
        'xray:PutTelemetryRecords',
        'xray:PutSpansForIndexing',
        'xray:BatchGetTraces',
        'xray:UpdateTraceSegmentDestination',
      ]) {
        expect(await decide(policy, action), action).toBe('ImplicitlyDenied');
      }
    },
  );

  it('uses neither Lambda’s X-Ray tracing (Active) nor a collector layer', () => {
    for (const fn of ofType(resources, FN)) {
      expect(fn.inputs.tracingConfig, fn.name).toBeUndefined();
      expect(fn.inputs.layers, fn.name).toBeUndefined();
    }
  });
});
