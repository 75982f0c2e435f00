/** Reads the running stack's configuration through the Pulumi runtime and validates it. */
import * as pulumi from '@pulumi/pulumi';
import {
  CONFIG_NAMESPACE,
  type PipelineConfig,
  parsePipelineConfig,
  projectConfigValues,
} from '../config/config-schema.js';
import { PipelineConfigError } from './errors.js';

/** Pulumi hands structured and typed config values over as JSON text; plain strings stay as they are. */
function decodeConfigValue(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/**
 * Returns the current stack's validated {@link PipelineConfig}; fails `pulumi preview` with the key's name.
 *
 * @throws PipelineConfigError when the project is not `ordered-event-pipeline` or a key is invalid.
 */
export function loadPipelineConfig(): PipelineConfig {
  const project = pulumi.getProject();
  if (project !== CONFIG_NAMESPACE) {
    throw new PipelineConfigError(
      'name',
      `Pulumi.yaml must name the project ${CONFIG_NAMESPACE}, not ${project}`,
    );
  }
  const qualified: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(pulumi.runtime.allConfig())) {
    qualified[key] = decodeConfigValue(value);
  }
  return parsePipelineConfig(projectConfigValues(qualified));
}
