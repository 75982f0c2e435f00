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

/** Dashboard JSON: throughput, lag, processor outcomes, failures, archive and ingest. */
export function dashboardBody(t: DashboardTargets): { widgets: Widget[] } {
  const ns = t.metricsNamespace;
  const svc = t.serviceName;
  const outcome = (name: string): MetricRow => [ns, name, 'service', svc];
  return {
    widgets: [
      widget(
        t.region,
        'Stream throughput (records)',
        [
          ['AWS/Kinesis', 'IncomingRecords', 'StreamName', t.streamName],
          ['AWS/Kinesis', 'GetRecords.Records', 'StreamName', t.streamName],
        ],
        'Sum',
      ),
      widget(
        t.region,
        'Lag (ms)',
        [
          ['AWS/Lambda', 'IteratorAge', 'FunctionName', t.processorFunctionName],
          ['AWS/Kinesis', 'GetRecords.IteratorAgeMilliseconds', 'StreamName', t.streamName],
        ],
        'Maximum',
      ),
      widget(
        t.region,
        'Processor outcomes',
        [
          PROCESSOR_METRICS.Applied,
          PROCESSOR_METRICS.Duplicates,
          PROCESSOR_METRICS.Buffered,
          PROCESSOR_METRICS.Drained,
          PROCESSOR_METRICS.WriteRetries,
        ].map(outcome),
        'Sum',
      ),
      widget(
        t.region,
        'Processor problems',
        [
          PROCESSOR_METRICS.Conflicts,
          PROCESSOR_METRICS.Poison,
          PROCESSOR_METRICS.QuarantineWrites,
          PROCESSOR_METRICS.Stalled,
        ].map(outcome),
        'Sum',
      ),
      widget(t.region, 'Batch duration (ms)', [outcome(PROCESSOR_METRICS.BatchDurationMs)], 'p99'),
      widget(
        t.region,
        'Processor records not applied (event source mapping)',
        [
          EVENT_SOURCE_MAPPING_METRICS.OnFailureDestinationDelivered,
          EVENT_SOURCE_MAPPING_METRICS.Dropped,
          'FailedInvokeEventCount',
        ].map(
          (metric): MetricRow => ['AWS/Lambda', metric, 'EventSourceMappingUUID', t.eventSourceMappingUuid],
        ),
        'Sum',
      ),
      widget(
        t.region,
        'Lambda errors and throttles',
        [t.processorFunctionName, t.ingestFunctionName, t.stalledCheckFunctionName].flatMap(
          (fn): MetricRow[] => [
            ['AWS/Lambda', 'Errors', 'FunctionName', fn],
            ['AWS/Lambda', 'Throttles', 'FunctionName', fn],
          ],
        ),
        'Sum',
      ),
      widget(
        t.region,
        'Dead-letter queues (messages)',
        Object.values(t.deadLetterQueueNames).map(
          (q): MetricRow => ['AWS/SQS', 'ApproximateNumberOfMessagesVisible', 'QueueName', q],
        ),
        'Maximum',
      ),
      widget(
        t.region,
        'Archive (Firehose)',
        [
          ['AWS/Firehose', 'DeliveryToS3.DataFreshness', 'DeliveryStreamName', t.deliveryStreamName],
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
      widget(
        t.region,
        'Ingest API',
        [
          ['AWS/ApiGateway', 'Count', 'ApiId', t.apiId],
          ['AWS/ApiGateway', '4xx', 'ApiId', t.apiId],
          ['AWS/ApiGateway', '5xx', 'ApiId', t.apiId],
        ],
        'Sum',
      ),
      widget(
        t.region,
        'Aggregate table',
        [
          ['AWS/DynamoDB', 'ConsumedWriteCapacityUnits', 'TableName', t.tableName],
          ['AWS/DynamoDB', 'ConditionalCheckFailedRequests', 'TableName', t.tableName],
        ],
        'Sum',
      ),
    ],
  };
}
