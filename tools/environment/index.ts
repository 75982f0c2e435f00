export {
  ENVIRONMENT_OPTIONS,
  ENVIRONMENT_USAGE,
  type EnvironmentFlags,
  EXPLICIT_FLAG_NAMES,
  readEnvironmentFlags,
} from './environment-flags.js';
export { EnvironmentError } from './errors.js';
export {
  type PipelineEnvironment,
  type PipelineResource,
  RESOURCE_FLAGS,
} from './pipeline-environment.js';
export { type EnvironmentWith, requireResources } from './require-resources.js';
export {
  chooseEnvironmentSource,
  type EnvironmentSource,
  environmentFromEndpoints,
  environmentFromExplicitFlags,
  environmentFromStackOutputs,
  type ResolveEnvironmentOptions,
  resolveEnvironment,
} from './resolve-environment.js';
export {
  type ExplicitFlags,
  explicitFlagsSchema,
  type StackOutputs,
  stackOutputsSchema,
} from './source-schemas.js';
