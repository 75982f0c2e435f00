/** Observability: the alarm topic (optional e-mail subscription), the pipeline's alarms and its dashboard. */
import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';
import { type AlarmTargets, type AlarmThresholds, alarmSpecs } from './alarm-specs.js';
import { checkIntRange } from './arg-checks.js';
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
  /** 60, 300, 900 or 3600. @default 300 */
  readonly periodSeconds?: number;
  /** @default 1 */
  readonly evaluationPeriods?: pulumi.Input<number>;
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
    const period = args.periodSeconds ?? 300;
    if (![60, 300, 900, 3600].includes(period)) {
      throw new ComponentArgsError('Observability', 'periodSeconds', 'must be one of 60, 300, 900, 3600');
    }
    checkIntRange('Observability', 'evaluationPeriods', args.evaluationPeriods, 1, 10);
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
    this.alarms = alarmSpecs(args.targets, args.thresholds).map(
      (spec) =>
        new aws.cloudwatch.MetricAlarm(
          `${name}-${spec.id}`,
          {
            alarmDescription: spec.description,
            namespace: spec.namespace,
            metricName: spec.metricName,
            dimensions: spec.dimensions,
            statistic: spec.statistic,
            period,
            evaluationPeriods: args.evaluationPeriods ?? 1,
            threshold: spec.threshold,
            comparisonOperator: 'GreaterThanThreshold',
            // No data means no traffic (or no failures): not an alarm.
            treatMissingData: 'notBreaching',
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
          ])
          .apply(
            ([
              [region, apiId, tableName, processorFunctionName, ingestFunctionName],
              [streamName, deliveryStreamName, metricsNamespace, serviceName],
              deadLetterQueueNames,
            ]) => {
              const targets: DashboardTargets = {
                region,
                apiId,
                tableName,
                processorFunctionName,
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
