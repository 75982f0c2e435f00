export {
  ENDPOINTS_FILE,
  InvalidEndpointsFileError,
  type LocalEndpoints,
  localEndpointsSchema,
  readLocalEndpoints,
  resolveDataDir,
  withoutIngestToken,
  writeLocalEndpoints,
} from './endpoints-file.js';
export { makeFilePrivate, PRIVATE_FILE_MODE, writePrivateJsonFile } from './private-json-file.js';
