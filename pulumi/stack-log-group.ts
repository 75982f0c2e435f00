/** The stack's log groups: one naming scheme and one default retention for every component. */
import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';

/** Days a log group keeps its events unless the stack config says otherwise. */
export const DEFAULT_LOG_RETENTION_DAYS = 14;

/**
 * A log group named `/<project>/<stack>/<name>` (resource `<name>-logs`), so each stack's logs sit apart and the
 * group exists, with its retention, before anything writes to it.
 */
export function stackLogGroup(
  name: string,
  retentionDays: pulumi.Input<number> | undefined,
  opts: pulumi.CustomResourceOptions,
): aws.cloudwatch.LogGroup {
  return new aws.cloudwatch.LogGroup(
    `${name}-logs`,
    {
      name: `/${pulumi.getProject()}/${pulumi.getStack()}/${name}`,
      retentionInDays: retentionDays ?? DEFAULT_LOG_RETENTION_DAYS,
    },
    opts,
  );
}
