export {
  type Quarantine,
  type QuarantineReason,
  type QuarantineRecord,
  quarantineKey,
} from './quarantine-record.js';
export { S3Quarantine, type S3QuarantineOptions } from './s3-quarantine.js';
