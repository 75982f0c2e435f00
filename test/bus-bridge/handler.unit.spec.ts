import { afterAll, describe, expect, it } from 'vitest';
import { orderEvent } from '../support/order-events.js';

const savedEnv = { ...process.env };
afterAll(() => {
  process.env = savedEnv;
});

describe('the bus bridge Lambda entry', () => {
  it('reads EVENT_SOURCE_PREFIX at cold start and enriches a Pipe batch', async () => {
    Object.assign(process.env, { EVENT_SOURCE_PREFIX: 'acme.shop', POWERTOOLS_LOG_LEVEL: 'SILENT' });
    const { handler } = await import('../../processors/bus-bridge/handler.js');
    const envelope = orderEvent('o-1', 1);
    const data = Buffer.from(JSON.stringify(envelope)).toString('base64');
    expect(await handler([{ data, sequenceNumber: '1' }])).toEqual([
      { source: 'acme.shop.order', detailType: 'OrderPlaced', envelope },
    ]);
  });
});
