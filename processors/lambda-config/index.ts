export {
  type EnvironmentInput,
  type EnvironmentSchema,
  type EnvironmentVariables,
  environmentDefaults,
  parseEnvironment,
  positiveIntVariable,
} from './environment-schema.js';
export { type EnvironmentProblem, LambdaConfigError } from './errors.js';
