/** The CloudWatch dashboard's body as a pure function of resolved names. */
import { type AlarmTargets, EVENT_SOURCE_MAPPING_METRICS, PROCESSOR_METRICS } from './alarm-specs.js';

/** Names the dashboard shows, besides the alarm targets. */
export interface DashboardTargets extends AlarmTargets<string> {
  readonly region: string;
  readonly apiId: string;
  readonly tableName: string;
}

type MetricRow = (string | Record<string, unknown>)[];

interface Widget {
  readonly type: 'metric';
  readonly width: number;
  readonly height: number;
  readonly properties: Record<string, unknown>;
}

function widget(region: string, title: string, metrics: MetricRow[], stat: string): Widget {
  return {
    type: 'metric',
    width: 12,
    height: 6,
    properties: { title, region, metrics, stat, period: 60, view: 'timeSeries', stacked: false },
  };
}

/** One row per metric of a single-dimension namespace, e.g. two Kinesis metrics of one stream. */
function rows(namespace: string, dimension: string, value: string, metrics: readonly string[]): MetricRow[] {
  return metrics.map((metric) => [namespace, metric, dimension, value]);
}

/** Dashboard JSON: throughput, lag, processor outcomes, failures, archive and ingest. */
export function dashboardBody(t: DashboardTargets): { widgets: Widget[] } {
  const outcomes = (metrics: readonly string[]) =>
    rows(t.metricsNamespace, 'service', t.serviceName, metrics);
  const panel = (title: string, metrics: MetricRow[], stat: string) => widget(t.region, title, metrics, stat);
  return {
    widgets: [
      panel(
        'Stream throughput (records)',
        rows('AWS/Kinesis', 'StreamName', t.streamName, ['IncomingRecords', 'GetRecords.Records']),
        'Sum',
      ),
      panel(
        'Lag (ms)',
        [
          ...rows('AWS/Lambda', 'FunctionName', t.processorFunctionName, ['IteratorAge']),
          ...rows('AWS/Kinesis', 'StreamName', t.streamName, ['GetRecords.IteratorAgeMilliseconds']),
        ],
        'Maximum',
      ),
      panel(
        'Processor outcomes',
        outcomes([
          PROCESSOR_METRICS.Applied,
          PROCESSOR_METRICS.Duplicates,
          PROCESSOR_METRICS.Buffered,
          PROCESSOR_METRICS.Drained,
          PROCESSOR_METRICS.WriteRetries,
        ]),
        'Sum',
      ),
      panel(
        'Processor problems',
        outcomes([
          PROCESSOR_METRICS.Conflicts,
          PROCESSOR_METRICS.Poison,
          PROCESSOR_METRICS.QuarantineWrites,
          PROCESSOR_METRICS.QuarantineWriteFailures,
          PROCESSOR_METRICS.Stalled,
        ]),
        'Sum',
      ),
      panel('Batch duration (ms)', outcomes([PROCESSOR_METRICS.BatchDurationMs]), 'p99'),
      panel(
        'Processor records not applied (event source mapping)',
        rows('AWS/Lambda', 'EventSourceMappingUUID', t.eventSourceMappingUuid, [
          EVENT_SOURCE_MAPPING_METRICS.OnFailureDestinationDelivered,
          EVENT_SOURCE_MAPPING_METRICS.Dropped,
          'FailedInvokeEventCount',
        ]),
        'Sum',
      ),
      panel(
        'Lambda errors and throttles',
        [t.processorFunctionName, t.ingestFunctionName, t.stalledCheckFunctionName].flatMap((fn) =>
          rows('AWS/Lambda', 'FunctionName', fn, ['Errors', 'Throttles']),
        ),
        'Sum',
      ),
      panel(
        'Dead-letter queues (messages)',
        Object.values(t.deadLetterQueueNames).flatMap((q) =>
          rows('AWS/SQS', 'QueueName', q, ['ApproximateNumberOfMessagesVisible']),
        ),
        'Maximum',
      ),
      panel(
        'Archive (Firehose)',
        [
          ...rows('AWS/Firehose', 'DeliveryStreamName', t.deliveryStreamName, ['DeliveryToS3.DataFreshness']),
          [
            'AWS/Firehose',
            'DeliveryToS3.Records',
            'DeliveryStreamName',
            t.deliveryStreamName,
            { yAxis: 'right', stat: 'Sum' },
          ],
        ],
        'Maximum',
      ),
      panel('Ingest API', rows('AWS/ApiGateway', 'ApiId', t.apiId, ['Count', '4xx', '5xx']), 'Sum'),
      panel(
        'Aggregate table',
        rows('AWS/DynamoDB', 'TableName', t.tableName, [
          'ConsumedWriteCapacityUnits',
          'ConditionalCheckFailedRequests',
        ]),
        'Sum',
      ),
    ],
  };
}
