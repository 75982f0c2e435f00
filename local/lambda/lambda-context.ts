import type { Context } from 'aws-lambda';

/** What the emulated runtime knows about the function it invokes. */
export interface LambdaContextInput {
  readonly functionName: string;
  readonly functionArn: string;
  readonly memoryLimitInMB: number;
  readonly timeoutMs: number;
  readonly requestId: string;
  /** Clock, replaceable in tests. @default Date.now */
  readonly now?: () => number;
}

/** Builds the Lambda `Context` for one local invocation (the remaining time counts down from the timeout). */
export function createLambdaContext(input: LambdaContextInput): Context {
  const now = input.now ?? Date.now;
  const deadline = now() + input.timeoutMs;
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName: input.functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: input.functionArn,
    memoryLimitInMB: String(input.memoryLimitInMB),
    awsRequestId: input.requestId,
    logGroupName: `/aws/lambda/${input.functionName}`,
    logStreamName: `local/[$LATEST]${input.requestId.replaceAll('-', '')}`,
    getRemainingTimeInMillis: () => Math.max(0, deadline - now()),
    // Deprecated callback-style completion; async handlers never call these.
    done: () => {},
    fail: () => {},
    succeed: () => {},
  };
}
