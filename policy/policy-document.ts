/** Reading IAM policy documents as the engine hands them to policies: JSON text or objects, one or many. */
import { wildcardResourceProblem } from './arn-wildcards.js';

/** Who a resource-policy statement applies to. */
export interface StatementPrincipals {
  /** `"*"`, `{ AWS: "*" }`, or a `NotPrincipal` (everyone but the listed principals). */
  readonly everyone: boolean;
  /** Service principals, e.g. `events.amazonaws.com`. */
  readonly services: string[];
}

/** One condition entry, e.g. `{ Bool: { "aws:SecureTransport": "false" } }` gives operator `Bool`. */
export interface StatementCondition {
  readonly operator: string;
  /** Lower case: condition keys are case-insensitive. */
  readonly key: string;
  /** Booleans and numbers as strings, the way IAM compares them. */
  readonly values: string[];
}

/** One statement, normalised to arrays. */
export interface NormalisedStatement {
  readonly effect: string;
  readonly actions: string[];
  readonly resources: string[];
  readonly principals: StatementPrincipals;
  readonly conditions: StatementCondition[];
  readonly hasCondition: boolean;
}

function asArray(value: unknown): string[] {
  if (value === undefined || value === null) return [];
  return (Array.isArray(value) ? value : [value]).filter((v): v is string => typeof v === 'string');
}

function readPrincipals(statement: Record<string, unknown>): StatementPrincipals {
  if (statement.NotPrincipal !== undefined) return { everyone: true, services: [] };
  const principal = statement.Principal;
  if (principal === '*') return { everyone: true, services: [] };
  if (typeof principal !== 'object' || principal === null) return { everyone: false, services: [] };
  const byType = principal as Record<string, unknown>;
  return { everyone: asArray(byType.AWS).includes('*'), services: asArray(byType.Service) };
}

function readConditions(condition: unknown): StatementCondition[] {
  if (typeof condition !== 'object' || condition === null) return [];
  return Object.entries(condition as Record<string, unknown>).flatMap(([operator, entries]) =>
    typeof entries === 'object' && entries !== null
      ? Object.entries(entries as Record<string, unknown>).map(([key, value]) => ({
          operator,
          key: key.toLowerCase(),
          values: (Array.isArray(value) ? value : [value]).map(String),
        }))
      : [],
  );
}

/**
 * Parses a policy document; returns `undefined` when it is not known yet (preview) or not a document.
 * `NotAction` statements count as wildcard grants: they allow everything except the listed actions.
 */
export function readStatements(policy: unknown): NormalisedStatement[] | undefined {
  let doc: unknown = policy;
  if (typeof policy === 'string') {
    try {
      doc = JSON.parse(policy);
    } catch {
      return undefined;
    }
  }
  if (typeof doc !== 'object' || doc === null) return undefined;
  const raw = (doc as { Statement?: unknown }).Statement;
  const statements = Array.isArray(raw) ? raw : raw === undefined ? [] : [raw];
  return statements
    .filter((s): s is Record<string, unknown> => typeof s === 'object' && s !== null)
    .map((s) => ({
      effect: typeof s.Effect === 'string' ? s.Effect : 'Allow',
      actions: s.NotAction === undefined ? asArray(s.Action) : ['*'],
      resources: s.NotResource === undefined ? asArray(s.Resource) : ['*'],
      principals: readPrincipals(s),
      conditions: readConditions(s.Condition),
      hasCondition: s.Condition !== undefined,
    }));
}

/** Actions that have no resource-level permissions, so `Resource: "*"` is the only form AWS accepts. */
export const RESOURCE_STAR_ACTIONS: ReadonlySet<string> = new Set([
  'cloudwatch:PutMetricData',
  // https://docs.aws.amazon.com/service-authorization/latest/reference/list_awsx-ray.html: no resource type.
  'xray:PutSpans',
  'xray:PutTelemetryRecords',
  'xray:PutTraceSegments',
]);

/**
 * Problems with one identity policy: wildcard actions, `*` resources outside the known exceptions, and
 * wildcard-like ARNs (see arn-wildcards.ts).
 */
export function wildcardProblems(statements: readonly NormalisedStatement[]): string[] {
  const problems: string[] = [];
  for (const s of statements) {
    if (s.effect !== 'Allow') continue;
    for (const action of s.actions) {
      if (action.includes('*')) problems.push(`allows wildcard action "${action}"`);
    }
    if (s.resources.includes('*')) {
      const unexcused = s.actions.filter((a) => !RESOURCE_STAR_ACTIONS.has(a));
      if (unexcused.length > 0) problems.push(`allows ${unexcused.join(', ')} on resource "*"`);
      else if (!s.hasCondition) problems.push(`allows ${s.actions.join(', ')} on "*" without a condition`);
    }
    for (const resource of s.resources.filter((r) => r !== '*')) {
      const problem = wildcardResourceProblem(resource);
      if (problem !== undefined)
        problems.push(`allows ${s.actions.join(', ')} on "${resource}", which ${problem}`);
    }
  }
  return problems;
}

/**
 * Condition keys that tie a grant to everyone down to a fixed caller, network or source: the keys S3
 * accepts as making a policy non-public
 * (https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-control-block-public-access.html#access-control-block-public-access-policy-status),
 * the organisation keys and KMS's caller account.
 */
const CALLER_SCOPING_KEYS: ReadonlySet<string> = new Set(
  [
    'aws:PrincipalAccount',
    'aws:PrincipalArn',
    'aws:PrincipalOrgID',
    'aws:PrincipalOrgPaths',
    'aws:SourceAccount',
    'aws:SourceArn',
    'aws:SourceIp',
    'aws:SourceOrgID',
    'aws:SourceOrgPaths',
    'aws:SourceOwner',
    'aws:SourceVpc',
    'aws:SourceVpce',
    'aws:userid',
    'kms:CallerAccount',
  ].map((k) => k.toLowerCase()),
);

/**
 * Condition keys that stop a service principal acting for someone else's resource (the confused deputy):
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/confused-deputy.html and e.g.
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/Subscriptions-confused-deputy.html.
 */
const SOURCE_SCOPING_KEYS: ReadonlySet<string> = new Set(
  ['aws:SourceArn', 'aws:SourceAccount', 'aws:SourceOrgID', 'aws:SourceOrgPaths'].map((k) => k.toLowerCase()),
);

/** True when a condition pins one of `keys` to values that are not just `*`. */
function scopedBy(statement: NormalisedStatement, keys: ReadonlySet<string>): boolean {
  return statement.conditions.some(
    (c) => keys.has(c.key) && c.values.length > 0 && c.values.every((v) => !WILDCARD_VALUE.test(v)),
  );
}

const WILDCARD_VALUE = /^[*?]*$/;

/**
 * Problems with one resource policy (bucket, queue, topic, key): an Allow to everyone not tied to a
 * caller, account or source by a condition, or an Allow to a service principal without a source
 * condition. Deny statements (TLS-only) and grants to named accounts (a key policy's account root) pass.
 */
export function resourcePolicyProblems(statements: readonly NormalisedStatement[]): string[] {
  const problems: string[] = [];
  for (const s of statements) {
    if (s.effect !== 'Allow') continue;
    const actions = s.actions.join(', ');
    if (s.principals.everyone && !scopedBy(s, CALLER_SCOPING_KEYS)) {
      problems.push(
        `allows ${actions} to every principal ("*") without a condition on the caller's account, organisation or source`,
      );
    }
    if (s.principals.services.length > 0 && !scopedBy(s, SOURCE_SCOPING_KEYS)) {
      problems.push(
        `allows ${actions} to ${s.principals.services.join(', ')} without an aws:SourceArn or aws:SourceAccount condition`,
      );
    }
  }
  return problems;
}
