/**
 * Reads a stack's `Pulumi.<stack>.yaml` without the Pulumi CLI, so the embedded local stack runs with
 * the same values as `pulumi up --stack <stack>`.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { type PipelineConfig, parsePipelineConfig, projectConfigValues } from './config-schema.js';
import { PipelineConfigError } from './errors.js';

/** The repository root: the folder holding `Pulumi.yaml`, one level above this file. */
const defaultRootDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** A stack name as Pulumi accepts it (the optional `org/project/` qualifier is not part of the file name). */
const stackNamePattern = /^[A-Za-z0-9_.-]{1,100}$/;

/**
 * Loads and validates `Pulumi.<stack>.yaml` (keys namespaced `ordered-event-pipeline:<key>`).
 *
 * @param stack stack name, e.g. `dev`
 * @param rootDir folder holding the stack files; defaults to the repository root
 * @throws PipelineConfigError naming the invalid key, or the file when it is missing or not YAML
 * @example
 * const config = loadStackConfigFile('dev');
 * config.processor.batchSize; // as in Pulumi.dev.yaml, or the default
 */
export function loadStackConfigFile(stack: string, rootDir: string = defaultRootDir): PipelineConfig {
  if (!stackNamePattern.test(stack)) {
    throw new PipelineConfigError('stack', `"${stack}" is not a valid stack name`);
  }
  const file = path.join(rootDir, `Pulumi.${stack}.yaml`);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new PipelineConfigError(file, 'cannot read the stack file', { cause: error });
  }
  let document: unknown;
  try {
    document = parse(text);
  } catch (error) {
    throw new PipelineConfigError(file, 'is not valid YAML', { cause: error });
  }
  const config = (document as { config?: unknown } | null)?.config ?? {};
  if (typeof config !== 'object' || config === null || Array.isArray(config)) {
    throw new PipelineConfigError(`${file}: config`, 'must be a mapping of config keys');
  }
  return parsePipelineConfig(projectConfigValues(config as Record<string, unknown>));
}
