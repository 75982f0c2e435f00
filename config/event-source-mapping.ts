/**
 * The stream processor's Kinesis event source mapping settings, shared by the Pulumi program
 * (`pulumi/stream-processor.ts`) and the local stack's emulated mapping (`local/stack/local-stack.ts`), so
 * both run the processor the same way. Pure: no `@pulumi/*` import.
 */
import { type PipelineConfig, parsePipelineConfig } from './config-schema.js';

/**
 * What every processor mapping has: partial batch responses (the handler reports the first failed record of
 * each failed aggregate) and bisection on a function error, so a poison batch shrinks to its bad record.
 * https://docs.aws.amazon.com/lambda/latest/dg/services-kinesis-batchfailurereporting.html
 * https://docs.aws.amazon.com/lambda/latest/api/API_CreateEventSourceMapping.html
 */
export const PROCESSOR_MAPPING_BEHAVIOUR = {
  functionResponseTypes: ['ReportBatchItemFailures'],
  bisectBatchOnFunctionError: true,
} as const satisfies {
  readonly functionResponseTypes: readonly 'ReportBatchItemFailures'[];
  readonly bisectBatchOnFunctionError: boolean;
};

/** The mapping's settings, in the names of the Lambda API (`CreateEventSourceMapping`). */
export interface ProcessorMappingSettings {
  readonly batchSize: number;
  readonly maximumBatchingWindowInSeconds: number;
  readonly parallelizationFactor: number;
  readonly maximumRetryAttempts: number;
  readonly maximumRecordAgeInSeconds: number;
  readonly functionResponseTypes: readonly 'ReportBatchItemFailures'[];
  readonly bisectBatchOnFunctionError: boolean;
}

/** The processor mapping's settings from the stack config's `processor` section (pure). */
export function processorMappingSettings(processor: PipelineConfig['processor']): ProcessorMappingSettings {
  return {
    batchSize: processor.batchSize,
    maximumBatchingWindowInSeconds: processor.batchingWindowSeconds,
    parallelizationFactor: processor.parallelizationFactor,
    maximumRetryAttempts: processor.maximumRetryAttempts,
    maximumRecordAgeInSeconds: processor.maximumRecordAgeSeconds,
    ...PROCESSOR_MAPPING_BEHAVIOUR,
  };
}

/** The mapping's settings with every stack config default (what a component gets when an argument is absent). */
export const PROCESSOR_MAPPING_DEFAULTS: ProcessorMappingSettings = processorMappingSettings(
  parsePipelineConfig({}).processor,
);
