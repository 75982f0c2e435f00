import type { AggregateKey, AggregateSnapshot, LoadedAggregate } from '../../processors/engine/index.js';
import type { AggregateStore, AggregateWrite, LoadResult } from '../../processors/store/index.js';
import { StoreUnavailableError } from '../../processors/store/index.js';

/** Wraps a store and fails the writes a decider picks, as throttling would. */
export class FaultInjectingStore implements AggregateStore {
  failedWrites = 0;
  constructor(
    private readonly inner: AggregateStore,
    private readonly shouldFail: (write: AggregateWrite) => boolean,
  ) {}

  loadMany(keys: readonly AggregateKey[]): Promise<Map<string, LoadResult>> {
    return this.inner.loadMany(keys);
  }

  load(key: AggregateKey): Promise<LoadedAggregate | undefined> {
    return this.inner.load(key);
  }

  async write(write: AggregateWrite): Promise<void> {
    if (this.shouldFail(write)) {
      this.failedWrites++;
      throw new StoreUnavailableError('injected: ProvisionedThroughputExceededException', write.key);
    }
    return this.inner.write(write);
  }

  listWithGaps(): AsyncIterable<AggregateSnapshot> {
    return this.inner.listWithGaps();
  }
}
