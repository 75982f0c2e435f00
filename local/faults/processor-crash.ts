import { AsyncLocalStorage } from 'node:async_hooks';
import type { KinesisStreamFunction } from '../lambda/index.js';
import { InjectedProcessorCrash } from './errors.js';
import type { FaultInjector } from './fault-injector.js';
import { type ClientWithMiddleware, middlewareStackOf } from './sdk-faults.js';

/** Commands that change the table or the bucket: the writes a crash may cut in the middle. */
const WRITES = new Set([
  'PutItemCommand',
  'UpdateItemCommand',
  'DeleteItemCommand',
  'BatchWriteItemCommand',
  'TransactWriteItemsCommand',
  'PutObjectCommand',
]);

interface Invocation {
  /** Writes let through before the crash; undefined: this invocation does not crash. */
  readonly crashAfterWrites: number | undefined;
  writes: number;
  crashed: boolean;
  crash: (error: InjectedProcessorCrash) => void;
}

/**
 * Processor crashes mid-batch: with the fault rate, an invocation is cut after 0–2 writes (or, when the batch
 * writes less, after all of them, before the response): the invocation rejects at once, as a function error
 * that the event source mapping sees, and every later call the handler's clients make is refused, as after a
 * crashed process. Install {@link gate} on the handler's clients and run the handler through {@link wrap}.
 */
export class ProcessorCrashes {
  readonly #injector: FaultInjector;
  readonly #invocation = new AsyncLocalStorage<Invocation>();

  constructor(injector: FaultInjector) {
    this.#injector = injector;
  }

  /** The handler, crashing as decided per invocation. */
  wrap(handler: KinesisStreamFunction): KinesisStreamFunction {
    return (event, context) => {
      const crashes = this.#injector.rollUncounted('processor-crash');
      let crash: (error: InjectedProcessorCrash) => void = () => {};
      const crashed = new Promise<never>((_, reject) => {
        crash = reject;
      });
      const state: Invocation = {
        crashAfterWrites: crashes ? this.#injector.pick(3) : undefined,
        writes: 0,
        crashed: false,
        crash,
      };
      const run = this.#invocation.run(state, () => handler(event, context));
      const finished = run.then((response) => {
        if (state.crashAfterWrites !== undefined && !state.crashed)
          this.#crash(state, 'after its last write');
        return response;
      });
      // The handler may go on after a crash; its calls are refused and its result ignored.
      run.catch(() => {});
      return Promise.race([finished, crashed]);
    };
  }

  /** Adds the crash check to a client of the handler (before the retry middleware, so a refused call is final). */
  gate(client: ClientWithMiddleware): void {
    const middleware =
      (next: (args: unknown) => Promise<unknown>, context: { commandName?: string }) =>
      async (args: unknown) => {
        const state = this.#invocation.getStore();
        if (state === undefined) return next(args);
        if (state.crashed) throw new InjectedProcessorCrash('the processor crashed: call refused');
        if (!WRITES.has(String(context.commandName))) return next(args);
        if (state.crashAfterWrites !== undefined && state.writes >= state.crashAfterWrites) {
          this.#crash(state, `after ${state.writes} write(s)`);
          throw new InjectedProcessorCrash('the processor crashed: call refused');
        }
        state.writes += 1;
        return next(args);
      };
    middlewareStackOf(client).add(middleware, {
      step: 'initialize',
      priority: 'high',
      name: 'processorCrashGate',
    });
  }

  #crash(state: Invocation, when: string): void {
    state.crashed = true;
    this.#injector.count('processor-crash');
    state.crash(new InjectedProcessorCrash(`injected fault: the processor crashed mid-batch ${when}`));
  }
}
