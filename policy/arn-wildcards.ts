/**
 * Wildcard-like resource ARNs: patterns that name no particular resource although they are not `"*"`.
 * ARN layout (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference-arns.html):
 * `arn:partition:service:region:account-id:resource-id`, `…:resource-type/resource-id` or
 * `…:resource-type:resource-id`. A wildcard after a named resource (`bucket/*` objects, `table/t/index/*`,
 * `function:f:*` versions, `log-group:g:*` streams, a name prefix such as `secret:name-??????`) stays
 * within that resource and is fine; a wildcard standing for the whole service, account, region, or the
 * resource's own name is not.
 */

const WILDCARD_ONLY = /^[*?]+$/;
const HAS_WILDCARD = /[*?]/;

/** Why `resource` (an IAM policy `Resource` entry) matches more than one named resource, or undefined. */
export function wildcardResourceProblem(resource: string): string | undefined {
  if (resource === '*') return 'is "*"';
  if (!resource.startsWith('arn:')) return undefined;
  const parts = resource.split(':');
  if (parts.length < 6) return undefined;
  const [, partition = '', service = '', region = '', account = ''] = parts;
  const id = parts.slice(5).join(':');
  if (HAS_WILDCARD.test(partition)) return 'has a wildcard partition';
  if (HAS_WILDCARD.test(service)) return 'has a wildcard service';
  if (HAS_WILDCARD.test(region)) return 'has a wildcard region';
  if (HAS_WILDCARD.test(account)) return 'has a wildcard account';
  if (id === '' || WILDCARD_ONLY.test(id)) return 'names no resource (its resource part is a wildcard)';
  if (WILDCARD_ONLY.test(resourceName(service, id))) return 'names no resource (its name is a wildcard)';
  return undefined;
}

/**
 * The segment of the resource part that names the resource: for S3 the bucket (before the first `/`),
 * otherwise what follows the resource type (`table/<name>`, `log-group:<name>`), or the whole part when
 * it has no type (an SQS queue name).
 */
function resourceName(service: string, id: string): string {
  const separator = id.search(/[/:]/);
  if (separator < 0) return id;
  const head = id.slice(0, separator);
  if (service === 's3') return head;
  const rest = id.slice(separator + 1);
  // Colon-typed resources may hold slashes in their names (`log-group:/aws/lambda/f:*`).
  const end = id[separator] === ':' ? rest.indexOf(':') : rest.search(/[/:]/);
  return end < 0 ? rest : rest.slice(0, end);
}
