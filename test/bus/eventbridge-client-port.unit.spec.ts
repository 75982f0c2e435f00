import { EventBridgeClient, type PutEventsCommandInput } from '@aws-sdk/client-eventbridge';
import { describe, expect, it } from 'vitest';
import { eventBridgeClientPort } from '../../local/bus/index.js';

describe('Function: eventBridgeClientPort', () => {
  it('sends PutEvents through the SDK client and maps the per-entry results', async () => {
    const client = new EventBridgeClient({
      region: 'us-east-1',
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    });
    const inputs: PutEventsCommandInput[] = [];
    // Answer before serialization: no network, but the real command and client plumbing.
    client.middlewareStack.add(
      () => async (args) => {
        inputs.push(args.input as PutEventsCommandInput);
        return {
          output: {
            $metadata: {},
            FailedEntryCount: 1,
            Entries: [
              { EventId: 'id-1' },
              { ErrorCode: 'ThrottlingException', ErrorMessage: 'Rate exceeded' },
            ],
          },
          response: {},
        };
      },
      { step: 'initialize', name: 'cannedPutEvents' },
    );
    const port = eventBridgeClientPort(client);
    const result = await port.putEvents([
      { EventBusName: 'b', Source: 's', DetailType: 'd', Detail: '{}', Time: '2026-01-01T00:00:00Z' },
      { EventBusName: 'b', Source: 's', DetailType: 'd', Detail: '{}' },
    ]);
    expect(result).toEqual({
      FailedEntryCount: 1,
      Entries: [
        { EventId: 'id-1', ErrorCode: undefined, ErrorMessage: undefined },
        { EventId: undefined, ErrorCode: 'ThrottlingException', ErrorMessage: 'Rate exceeded' },
      ],
    });
    expect(inputs[0]?.Entries?.[0]?.Time).toEqual(new Date('2026-01-01T00:00:00Z'));
    expect(inputs[0]?.Entries?.[1]?.Time).toBeUndefined();
    client.destroy();
  });
});
