import { EnvironmentError } from './errors.js';
import { type PipelineEnvironment, type PipelineResource, RESOURCE_FLAGS } from './pipeline-environment.js';

/** The environment with these parts known to be present. */
export type EnvironmentWith<K extends PipelineResource> = PipelineEnvironment & {
  readonly [P in K]-?: NonNullable<PipelineEnvironment[P]>;
};

/** The `pulumi/index.ts` export that supplies each part. */
const STACK_OUTPUTS: Record<PipelineResource, string> = {
  streamName: 'streamName',
  table: 'tableName',
  bucket: 'bucketName',
  busName: 'busName',
  ingest: 'ingestUrl',
};

/**
 * Checks that the environment has what a command needs; otherwise throws an {@link EnvironmentError} naming the
 * command and the flag (or stack output) that supplies it, e.g. `archive verify needs --bucket`.
 */
export function requireResources<K extends PipelineResource>(
  env: PipelineEnvironment,
  command: string,
  needs: readonly K[],
): EnvironmentWith<K> {
  const missing = needs.filter((name) => env[name] === undefined);
  if (missing.length > 0) {
    const flags = missing.map((name) => RESOURCE_FLAGS[name]).join(' and ');
    const where =
      env.source === 'stack'
        ? `${env.name} has no output ${missing.map((name) => STACK_OUTPUTS[name]).join(', ')} (run pulumi up)`
        : env.source === 'data-dir'
          ? `${env.name} does not name it`
          : 'the explicit form must name it';
    throw new EnvironmentError(`${command} needs ${flags}: ${where}`);
  }
  return env as EnvironmentWith<K>;
}
