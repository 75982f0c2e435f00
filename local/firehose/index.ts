export { type BufferedBatch, DeliveryBuffer, newlineDelimited } from './delivery-buffer.js';
export { FirehoseDeliveryError, FirehoseError, InvalidFirehoseOptionsError } from './errors.js';
export {
  FirehoseDeliveryStream,
  type FirehoseDeliveryStreamOptions,
  type FirehoseStats,
} from './firehose-delivery-stream.js';
export { firehoseObjectKey, firehoseObjectKeyTime, type ObjectKeyInput } from './object-key.js';
export { createS3rverClient } from './s3-client.js';
