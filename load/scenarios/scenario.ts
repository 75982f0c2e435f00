/** One constant-rate stretch of a run. */
export interface LoadPhase {
  /** Events per second, over all connections. */
  readonly rate: number;
  readonly durationSeconds: number;
  readonly label?: string;
}

/** A named preset: any field may still be overridden on the command line. */
export interface LoadScenario {
  readonly name: string;
  readonly description: string;
  readonly phases: readonly LoadPhase[];
  readonly aggregates: number;
  readonly eventsPerRequest: number;
  readonly connections: number;
}
