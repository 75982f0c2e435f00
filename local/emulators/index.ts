export { listenOnLoopback, PortInUseError } from '../http/listen-on-loopback.js';
export { startDynalite } from './dynalite.js';
export { type KinesaliteOptions, startKinesalite } from './kinesalite.js';
export { type S3rverOptions, startS3rver } from './s3rver.js';
export type { EmulatorOptions, RunningEmulator } from './types.js';
