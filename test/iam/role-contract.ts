/**
 * The contract every role of the program must meet, per stack: each need (recorded SDK calls of the code that
 * runs with the role, and the documented needs of the AWS services that use it) is allowed by the role's policies
 * together with the resource's policy; and no granted action or resource goes unused.
 */
import { describe, expect, it } from 'vitest';
import type { PolicyDocument } from '../../pulumi/iam-policies.js';
import { lambdaSession, type Need, type Principal, refusedNeeds, unusedGrants } from './access-check.js';
import { distinctNeeds, lambdaLogNeeds, needsOfCall, spanExportNeeds } from './call-needs.js';
import { type DeployedStack, TYPES } from './deployed-stack.js';
import type { RecordedCall } from './sdk-call-recorder.js';

/** Moves a need recorded against one stack's resources onto another stack's (same logical resources). */
export function translateNeed(need: Need, from: DeployedStack, to: DeployedStack): Need {
  const translate = (value: string): string => {
    const exact = from.byArn(value);
    if (exact !== undefined) return to.arn(exact.type, exact.name);
    const s3 = /^arn:aws:s3:::([^/]+)(\/.*)?$/.exec(value);
    if (s3 !== null) {
      const bucket = from.byArn(`arn:aws:s3:::${s3[1]}`);
      if (bucket !== undefined) return `${to.arn(bucket.type, bucket.name)}${s3[2] ?? ''}`;
    }
    return value;
  };
  const context = Object.fromEntries(
    Object.entries(need.context ?? {}).map(([k, v]) => [k, typeof v === 'string' ? translate(v) : v]),
  );
  return { ...need, resource: translate(need.resource), context };
}

/** Asserts the two halves of the contract, with one readable line per problem. */
export async function expectRoleContract(
  label: string,
  principal: Principal,
  needs: readonly Need[],
  deployed: DeployedStack,
  grantedPolicies: readonly PolicyDocument[] = principal.identityPolicies,
): Promise<void> {
  const refused = await refusedNeeds(principal, needs, (arn) => deployed.resourcePolicy(arn));
  expect(refused, `${label} (${deployed.stack}): needed but not allowed`).toEqual([]);
  const unused = await unusedGrants(grantedPolicies, needs);
  expect(unused, `${label} (${deployed.stack}): granted but never needed`).toEqual([]);
}

/** What a function's spec recorded: the deployed stacks (dev first, whose names the scenarios used) and the calls. */
export interface RecordedRun {
  readonly stacks: readonly DeployedStack[];
  readonly calls: readonly RecordedCall[];
}

/**
 * One test per stack: the function's recorded calls, the Lambda runtime's log writes and any documented service
 * needs of its role, against the role's policies and the resources' policies.
 */
export function describeFunctionRoleContract(
  functionLogicalName: string,
  run: () => RecordedRun,
  serviceNeeds: (deployed: DeployedStack) => Need[] = () => [],
): void {
  describe.each(['dev', 'staging', 'prod'])(`${functionLogicalName} role, stack %s`, (stackName) => {
    it('allows every recorded call and documented need, and grants nothing else', async () => {
      const { stacks, calls } = run();
      const dev = stacks[0] as DeployedStack;
      const deployed = stacks.find((s) => s.stack === stackName) as DeployedStack;
      const role = deployed.functionRole(functionLogicalName);
      const functionName = String(deployed.resource(TYPES.fn, functionLogicalName).state.name);
      const needs: Need[] = [
        ...distinctNeeds(calls.flatMap((c) => needsOfCall(c, dev))).map((n) =>
          translateNeed(n, dev, deployed),
        ),
        ...lambdaLogNeeds(deployed, functionLogicalName),
        ...spanExportNeeds(deployed, functionLogicalName),
        ...serviceNeeds(deployed),
      ];
      await expectRoleContract(
        `${functionLogicalName} role`,
        {
          arn: lambdaSession(role.name, functionName),
          identityPolicies: role.policies.map((p) => p.document),
        },
        needs,
        deployed,
      );
    });
  });
}
