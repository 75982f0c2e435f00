/**
 * The Pulumi program (`main` in Pulumi.yaml): validates the stack's config, declares the pipeline and
 * exports what load tests, replay and operators read with `pulumi stack output --json`.
 */
import { loadPipelineConfig } from './config.js';
import { createPipeline } from './pipeline.js';

const outputs = createPipeline(loadPipelineConfig());

export const region = outputs.region;
export const streamName = outputs.streamName;
export const streamArn = outputs.streamArn;
export const ingestUrl = outputs.ingestUrl;
export const ingestTokenSecretArn = outputs.ingestTokenSecretArn;
export const ingestToken = outputs.ingestToken;
export const tableName = outputs.tableName;
export const bucketName = outputs.bucketName;
export const archivePrefix = outputs.archivePrefix;
export const deadLetterBucketName = outputs.deadLetterBucketName;
export const quarantinePrefix = outputs.quarantinePrefix;
export const failedBatchesPrefix = outputs.failedBatchesPrefix;
export const busName = outputs.busName;
export const busArn = outputs.busArn;
export const eventSourcePrefix = outputs.eventSourcePrefix;
export const queues = outputs.queues;
export const processorFunctionName = outputs.processorFunctionName;
export const deliveryStreamName = outputs.deliveryStreamName;
export const alarmTopicArn = outputs.alarmTopicArn;
export const dashboardUrl = outputs.dashboardUrl;
export const backfillStateMachineArn = outputs.backfillStateMachineArn;
