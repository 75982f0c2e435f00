/** A running emulator: its endpoint URL and how to stop it. */
export interface RunningEmulator {
  /** `http://127.0.0.1:<port>` */
  readonly endpoint: string;
  readonly port: number;
  /** Stops listening and releases on-disk state (waits for open connections to close). */
  close(): Promise<void>;
}

/** Options shared by the emulator starters. */
export interface EmulatorOptions {
  /** Port to listen on; 0 (the default) picks a free one. */
  readonly port?: number;
  /** Directory for on-disk state; omitted means in memory. */
  readonly directory?: string;
}
