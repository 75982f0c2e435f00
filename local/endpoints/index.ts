export {
  ENDPOINTS_FILE,
  InvalidEndpointsFileError,
  type LocalEndpoints,
  localEndpointsSchema,
  readLocalEndpoints,
  resolveDataDir,
} from './endpoints-file.js';
