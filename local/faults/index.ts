export { withPutEventsFaults } from './bus-faults.js';
export { InjectedProcessorCrash, InvalidFaultOptionsError } from './errors.js';
export { FaultInjector } from './fault-injector.js';
export {
  FAULT_KINDS,
  type FaultCounts,
  type FaultKind,
  type FaultOptions,
  parseFaultKinds,
  type ResolvedFaultOptions,
  resolveFaultOptions,
} from './fault-options.js';
export { ProcessorCrashes } from './processor-crash.js';
export { type ClientWithMiddleware, type FaultedService, injectSdkFaults } from './sdk-faults.js';
