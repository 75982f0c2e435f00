/** One shard's lag: the largest iterator age among the stack's readers (processor, Firehose, Pipes). */
export interface ShardLagStatus {
  readonly shardId: string;
  readonly iteratorAgeMs: number;
}

/** Counters of a running stack since it started (this process). */
export interface LocalStackStats {
  /** Records the processor read from the stream. */
  readonly ingested: number;
  /** Events applied to projections (directly, or drained from the gap buffer). */
  readonly applied: number;
  readonly duplicates: number;
  /** Events buffered behind a gap. */
  readonly buffered: number;
  /** Records quarantined as poison. */
  readonly poison: number;
  readonly conflicts: number;
  /** Records in GZIP objects written to the archive bucket. */
  readonly archived: number;
  /** Events the Pipes put on the bus. */
  readonly bridged: number;
  /** Events delivered to rule queues. */
  readonly delivered: number;
  /** Records on the Pipes' and bus's dead-letter paths, and batches on the processor's on-failure path. */
  readonly failed: number;
  readonly lag: readonly ShardLagStatus[];
}

/** Formats the one-line status (pure). */
export function formatStatusLine(stats: LocalStackStats): string {
  const lag = stats.lag
    .map((shard) => `${shard.shardId.replace('shardId-', '#')}:${formatAge(shard.iteratorAgeMs)}`)
    .join(' ');
  return [
    `ingested ${stats.ingested}`,
    `applied ${stats.applied}`,
    `dup ${stats.duplicates}`,
    `buffered ${stats.buffered}`,
    `poison ${stats.poison}`,
    `archived ${stats.archived}`,
    `bridged ${stats.bridged}`,
    ...(stats.failed > 0 ? [`failed ${stats.failed}`] : []),
    `lag ${lag === '' ? '-' : lag}`,
  ].join(' | ');
}

function formatAge(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)}ms` : `${(ms / 1000).toFixed(1)}s`;
}
