/** Observability: the alarm topic (optional e-mail subscription), the pipeline's alarms and its dashboard. */
import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';
import { type AlarmTargets, type AlarmThresholds, alarmSpecs, type ReportingCadence } from './alarm-specs.js';
import { type DashboardTargets, dashboardBody } from './dashboard-body.js';
import { ComponentArgsError } from './errors.js';

/** Arguments of {@link Observability}. */
export interface ObservabilityArgs {
  /** What to watch. */
  readonly targets: AlarmTargets<pulumi.Input<string>>;
  readonly apiId: pulumi.Input<string>;
  readonly tableName: pulumi.Input<string>;
  readonly region: pulumi.Input<string>;
  /** Plain: thresholds are checked here and written into alarm descriptions. */
  readonly thresholds: AlarmThresholds;
  /** Plain: how often the processor and the stalled check report, which sets their alarms' periods. */
  readonly cadence: ReportingCadence;
  /** Subscribed to the topic when set. */
  readonly notificationEmail?: pulumi.Input<string>;
  /** KMS key of the topic (its key policy must let CloudWatch use it). */
  readonly topicKeyArn: pulumi.Input<string>;
}

/** Alarm topic, alarms and dashboard. */
export class Observability extends pulumi.ComponentResource {
  readonly topic: aws.sns.Topic;
  readonly alarms: aws.cloudwatch.MetricAlarm[];
  readonly dashboard: aws.cloudwatch.Dashboard;
  readonly topicArn: pulumi.Output<string>;
  readonly dashboardName: pulumi.Output<string>;
  readonly dashboardUrl: pulumi.Output<string>;

  constructor(name: string, args: ObservabilityArgs, opts?: pulumi.ComponentResourceOptions) {
    super('pipeline:observability:Observability', name, {}, opts);
    checkCadence(args.cadence);
    for (const [key, value] of Object.entries(args.thresholds)) {
      if (!Number.isFinite(value) || value < 0) {
        throw new ComponentArgsError('Observability', `thresholds.${key}`, 'must be a non-negative number');
      }
    }
    const parent = { parent: this };

    this.topic = new aws.sns.Topic(`${name}-alarms`, { kmsMasterKeyId: args.topicKeyArn }, parent);
    if (args.notificationEmail !== undefined) {
      new aws.sns.TopicSubscription(
        `${name}-email`,
        { topic: this.topic.arn, protocol: 'email', endpoint: args.notificationEmail },
        parent,
      );
    }
    // Each alarm's statistic, period, M of N and missing-data treatment follow its metric (alarm-specs.ts).
    this.alarms = alarmSpecs(args.targets, args.thresholds, args.cadence).map(
      (spec) =>
        new aws.cloudwatch.MetricAlarm(
          `${name}-${spec.id}`,
          {
            alarmDescription: spec.description,
            namespace: spec.namespace,
            metricName: spec.metricName,
            dimensions: spec.dimensions,
            statistic: spec.evaluation.statistic,
            period: spec.evaluation.periodSeconds,
            evaluationPeriods: spec.evaluation.evaluationPeriods,
            datapointsToAlarm: spec.evaluation.datapointsToAlarm,
            threshold: spec.threshold,
            comparisonOperator: spec.evaluation.comparisonOperator,
            treatMissingData: spec.evaluation.treatMissingData,
            alarmActions: [this.topic.arn],
            okActions: [this.topic.arn],
          },
          parent,
        ),
    );
    const dashboardName = `${pulumi.getProject()}-${pulumi.getStack()}`;
    const t = args.targets;
    this.dashboard = new aws.cloudwatch.Dashboard(
      `${name}-dashboard`,
      {
        dashboardName,
        dashboardBody: pulumi
          .all([
            pulumi.all([
              args.region,
              args.apiId,
              args.tableName,
              t.processorFunctionName,
              t.ingestFunctionName,
            ]),
            pulumi.all([t.streamName, t.deliveryStreamName, t.metricsNamespace, t.serviceName]),
            pulumi.all(t.deadLetterQueueNames),
            pulumi.all([t.eventSourceMappingUuid, t.stalledCheckFunctionName]),
          ])
          .apply(
            ([
              [region, apiId, tableName, processorFunctionName, ingestFunctionName],
              [streamName, deliveryStreamName, metricsNamespace, serviceName],
              deadLetterQueueNames,
              [eventSourceMappingUuid, stalledCheckFunctionName],
            ]) => {
              const targets: DashboardTargets = {
                region,
                apiId,
                tableName,
                processorFunctionName,
                eventSourceMappingUuid,
                stalledCheckFunctionName,
                ingestFunctionName,
                streamName,
                deliveryStreamName,
                deadLetterQueueNames,
                metricsNamespace,
                serviceName,
              };
              return JSON.stringify(dashboardBody(targets));
            },
          ),
      },
      parent,
    );
    this.topicArn = this.topic.arn;
    this.dashboardName = this.dashboard.dashboardName;
    this.dashboardUrl = pulumi.interpolate`https://${args.region}.console.aws.amazon.com/cloudwatch/home?region=${args.region}#dashboards/dashboard/${this.dashboard.dashboardName}`;
    this.registerOutputs({ topicArn: this.topicArn, dashboardUrl: this.dashboardUrl });
  }
}

function checkCadence(cadence: ReportingCadence): void {
  for (const [key, value] of Object.entries(cadence)) {
    if (!Number.isInteger(value) || value < 1) {
      throw new ComponentArgsError('Observability', `cadence.${key}`, 'must be a positive integer');
    }
  }
}
