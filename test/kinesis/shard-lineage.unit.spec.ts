import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type ShardDescription, shardsReadyToStart } from '../../local/kinesis/shard-lineage.js';

/** An open shard of a simulated stream: a contiguous range of hash keys. */
interface OpenShard {
  readonly shardId: string;
  readonly from: number;
  readonly to: number;
}

/**
 * Builds a reshard history as Kinesis records it: SplitShard closes one shard and opens two children with it as
 * parent; MergeShards closes two adjacent shards and opens one child with both as parents
 * (https://docs.aws.amazon.com/streams/latest/dev/kinesis-using-sdk-java-after-resharding.html). Each operation picks
 * an open shard by index; a merge takes it and its right-hand neighbour.
 */
function reshardHistory(initial: number, operations: readonly { merge: boolean; pick: number }[]) {
  const listed: ShardDescription[] = [];
  let open: OpenShard[] = [];
  let next = 0;
  const add = (from: number, to: number, parentShardId?: string, adjacentParentShardId?: string) => {
    const shardId = `shardId-${String(next++).padStart(12, '0')}`;
    listed.push({ shardId, parentShardId, adjacentParentShardId });
    return { shardId, from, to };
  };
  for (let i = 0; i < initial; i += 1) open.push(add(i * 8, i * 8 + 7));
  for (const op of operations) {
    const at = op.pick % open.length;
    const shard = open[at] as OpenShard;
    const right = open[at + 1];
    if (op.merge && right !== undefined) {
      open.splice(at, 2, add(shard.from, right.to, shard.shardId, right.shardId));
    } else if (shard.to > shard.from) {
      const middle = Math.floor((shard.from + shard.to) / 2);
      open.splice(at, 1, add(shard.from, middle, shard.shardId), add(middle + 1, shard.to, shard.shardId));
    }
    open = [...open];
  }
  return listed;
}

describe('Function: shardsReadyToStart over random split and merge histories', () => {
  it('starts every shard exactly once, and each only after every parent of it finished, whatever order shards finish in', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 4 }),
        fc.array(fc.record({ merge: fc.boolean(), pick: fc.nat(20) }), { maxLength: 12 }),
        fc.array(fc.nat(50), { minLength: 1, maxLength: 60 }),
        (initial, operations, finishPicks) => {
          const listed = reshardHistory(initial, operations);
          const byId = new Map(listed.map((shard) => [shard.shardId, shard]));
          const finished = new Set<string>();
          const running = new Set<string>();
          const started: string[] = [];
          let pick = 0;
          // Bounded: every pass finishes one running shard, and each shard runs at most once (asserted below).
          while (finished.size < listed.length) {
            for (const shard of shardsReadyToStart(listed, finished, running)) {
              for (const parent of [shard.parentShardId, shard.adjacentParentShardId])
                if (parent !== undefined) expect(finished.has(parent)).toBe(true);
              expect(started).not.toContain(shard.shardId);
              started.push(shard.shardId);
              running.add(shard.shardId);
            }
            // Some shard is always running while any is unfinished: the lineage never deadlocks.
            const runningNow = [...running];
            expect(runningNow.length).toBeGreaterThan(0);
            const done = runningNow[
              (finishPicks[pick++ % finishPicks.length] ?? 0) % runningNow.length
            ] as string;
            running.delete(done);
            finished.add(done);
          }
          expect([...started].sort()).toEqual([...byId.keys()].sort());
        },
      ),
    );
  });

  it('treats a parent no longer listed (trimmed past retention) as finished', () => {
    const listed = [
      { shardId: 'merged', parentShardId: 'trimmed', adjacentParentShardId: 'kept' },
      { shardId: 'kept' },
    ];
    expect(shardsReadyToStart(listed, new Set(), new Set()).map((s) => s.shardId)).toEqual(['kept']);
    expect(shardsReadyToStart(listed, new Set(['kept']), new Set()).map((s) => s.shardId)).toEqual([
      'merged',
    ]);
  });
});
