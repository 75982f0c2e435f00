import { describe, expect, it } from 'vitest';
import { classifyDynamoCommand } from '../../bench/dynamo-request-counter.js';

describe('Function: classifyDynamoCommand', () => {
  it.each([
    ['GetItemCommand', 'read'],
    ['BatchGetItemCommand', 'read'],
    ['Query', 'read'],
    ['ScanCommand', 'read'],
    ['TransactGetItemsCommand', 'read'],
    ['PutItemCommand', 'write'],
    ['UpdateItem', 'write'],
    ['DeleteItemCommand', 'write'],
    ['BatchWriteItemCommand', 'write'],
    ['TransactWriteItemsCommand', 'write'],
    ['CreateTableCommand', 'other'],
    ['DescribeTableCommand', 'other'],
  ])('classes %s as %s', (name, kind) => {
    expect(classifyDynamoCommand(name)).toBe(kind);
  });
});
