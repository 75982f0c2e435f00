import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import type { LocalEndpoints } from '../../local/endpoints/endpoints-file.js';
import { readLocalEndpoints } from '../../local/endpoints/endpoints-file.js';
import { OTLP_TRACES_PATH } from '../../local/traces/otlp-http-receiver.js';
import { createTracing, TRACING_OFF, type Tracing } from '../../processors/tracing/index.js';
import type { PipelineEnvironment } from '../environment/index.js';

/** Where the replay CLI sends its spans (pure): the local stack's OTLP receiver, or undefined (no tracing). */
export function replayTracesUrl(
  env: Pick<PipelineEnvironment, 'source'>,
  local: LocalEndpoints | undefined,
): string | undefined {
  // Only a local stack records spans for `npm run trace`; elsewhere the CLI has no collector to send to.
  if (env.source !== 'data-dir') return undefined;
  const otlp = local?.endpoints.otlp;
  return otlp === undefined ? undefined : `${otlp}${OTLP_TRACES_PATH}`;
}

/**
 * The replay CLI's tracing (docs/tracing.md, the replay row): in a local stack with tracing on, its `replay <target>`
 * spans go to the stack's OTLP/HTTP receiver (the stack alone writes the span store); otherwise TRACING_OFF.
 * The caller shuts it down (flushing) before exiting.
 */
export async function replayTracingFor(env: PipelineEnvironment, dataDir: string): Promise<Tracing> {
  const url = replayTracesUrl(env, env.source === 'data-dir' ? await readLocalEndpoints(dataDir) : undefined);
  if (url === undefined) return TRACING_OFF;
  // The OTLP/HTTP exporter sends OTLP JSON (Content-Type: application/json), what the receiver reads.
  return createTracing({ serviceName: 'replay', exporter: new OTLPTraceExporter({ url }) });
}
