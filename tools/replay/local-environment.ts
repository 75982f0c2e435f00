import { type EnvironmentWith, requireResources, resolveEnvironment } from '../environment/index.js';

/** The local stack in `dataDir` with everything a replay target may need (tools/environment does the reading). */
export async function localEnvironment(
  dataDir: string,
): Promise<EnvironmentWith<'streamName' | 'table' | 'bucket' | 'busName'>> {
  return requireResources(await resolveEnvironment({ dataDir }), 'replay', [
    'streamName',
    'table',
    'bucket',
    'busName',
  ]);
}
