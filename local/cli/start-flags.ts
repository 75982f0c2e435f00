import type { LocalLogLevel, LocalStackOptions, LocalStackPorts } from '../stack/index.js';

/** Thrown for a bad command line; the CLI prints it with the usage and exits 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** What `npm start` was asked to do. */
export interface StartCommand {
  readonly help: boolean;
  readonly options: LocalStackOptions;
}

/** The `npm start` usage text. */
export const START_USAGE = `Usage: npm start -- [options]

Runs the whole pipeline locally (kinesalite, dynalite, s3rver, processor, Firehose, Pipes, bus, ingest).

Options:
  --data-dir <dir>        state directory (default: $PIPELINE_DATA_DIR or .local)
  --shards <n>            shard count of a new stream (default: Pulumi.dev.yaml stream.shardCount)
  --port-base <p>         kinesis p, dynamodb p+1, s3 p+2, ingest p+3, eventbridge p+4, otlp p+5
  --port-kinesis <p>      --port-dynamodb <p>  --port-s3 <p>  --port-ingest <p>  --port-eventbridge <p>
  --port-otlp <p>
                          fixed ports (default: free ports, published in endpoints.json)
  --archive-interval <s>  archive buffer interval in seconds (default 5, a local shortening)
  --log-level <level>     handlers' Powertools log level: DEBUG, INFO, WARN, ERROR, SILENT (default WARN)
  --kinesis-limits        enforce Kinesis per-shard limits (1 MB/s or 1,000 records/s written, 5 reads/s and
                          2 MB/s read per shard) with ProvisionedThroughputExceededException (default off)
  --no-tracing            record no spans (default: every component's spans go to <data dir>/traces/, at most
                          8 files of 16 MiB; see docs/local-stack.md "Traces")
  --trace-sampling <r>    share of new traces recorded, 0 to 1 (default 1)
  --quiet                 do not print background errors
  --help                  this text`;

const LEVELS: readonly LocalLogLevel[] = ['DEBUG', 'INFO', 'WARN', 'ERROR', 'SILENT'];

/** Parses `npm start` flags (pure); throws UsageError naming the bad flag. */
export function parseStartFlags(argv: readonly string[], env: NodeJS.ProcessEnv = {}): StartCommand {
  let help = false;
  let dataDir = env.PIPELINE_DATA_DIR;
  let shards: number | undefined;
  let archive: number | undefined;
  let logLevel: LocalLogLevel | undefined;
  let quiet = false;
  let kinesisLimits = false;
  let tracing = true;
  let samplingRatio: number | undefined;
  let base: number | undefined;
  const ports: { -readonly [K in keyof LocalStackPorts]: number } = {};
  for (let i = 0; i < argv.length; i += 1) {
    const flag = argv[i] as string;
    const [name, inline] = flag.includes('=')
      ? (flag.split(/=(.*)/s, 2) as [string, string])
      : [flag, undefined];
    const value = (): string => {
      const v = inline ?? argv[++i];
      if (v === undefined || v === '') throw new UsageError(`${name} needs a value`);
      return v;
    };
    switch (name) {
      case '--help':
      case '-h':
        help = true;
        break;
      case '--quiet':
        quiet = true;
        break;
      case '--kinesis-limits':
        kinesisLimits = true;
        break;
      case '--no-tracing':
        tracing = false;
        break;
      case '--trace-sampling':
        samplingRatio = ratio(name, value());
        break;
      case '--data-dir':
        dataDir = value();
        break;
      case '--shards':
        shards = integer(name, value(), 1, 50);
        break;
      case '--archive-interval':
        archive = integer(name, value(), 0, 900);
        break;
      case '--log-level': {
        const level = value().toUpperCase() as LocalLogLevel;
        if (!LEVELS.includes(level)) throw new UsageError(`${name} must be one of ${LEVELS.join(', ')}`);
        logLevel = level;
        break;
      }
      case '--port-base':
        base = integer(name, value(), 1, 65_530);
        break;
      case '--port-kinesis':
      case '--port-dynamodb':
      case '--port-s3':
      case '--port-ingest':
      case '--port-eventbridge':
      case '--port-otlp':
        ports[name.slice('--port-'.length) as keyof LocalStackPorts] = integer(name, value(), 0, 65_535);
        break;
      default:
        throw new UsageError(`unknown option ${name}`);
    }
  }
  const resolvedPorts: LocalStackPorts =
    base === undefined
      ? ports
      : {
          kinesis: base,
          dynamodb: base + 1,
          s3: base + 2,
          ingest: base + 3,
          eventbridge: base + 4,
          otlp: base + 5,
          ...ports,
        };
  return {
    help,
    options: {
      ...(dataDir === undefined ? {} : { dataDir }),
      ...(shards === undefined ? {} : { shards }),
      ...(archive === undefined ? {} : { archiveBufferIntervalSeconds: archive }),
      ...(logLevel === undefined ? {} : { logLevel }),
      quiet,
      ...(kinesisLimits ? { kinesisLimits } : {}),
      ...(tracing ? (samplingRatio === undefined ? {} : { tracing: { samplingRatio } }) : { tracing: false }),
      ports: resolvedPorts,
    },
  };
}

function ratio(flag: string, text: string): number {
  const n = Number(text);
  if (!/^(0|1|0?\.\d+|1\.0*)$/.test(text) || !(n >= 0 && n <= 1))
    throw new UsageError(`${flag} must be a number from 0 to 1, got "${text}"`);
  return n;
}

function integer(flag: string, text: string, min: number, max: number): number {
  const n = Number(text);
  if (!/^\d+$/.test(text) || n < min || n > max)
    throw new UsageError(`${flag} must be an integer from ${min} to ${max}, got "${text}"`);
  return n;
}
