/**
 * Pulumi's own policy-pack runner (`@pulumi/pulumi/cmd/run-policy-pack`), started the way `pulumi preview
 * --policy-pack <dir>` starts it, and a gRPC client for the Analyzer server it serves.
 *
 * The Node.js language host (pulumi/pulumi `sdk/nodejs/cmd/pulumi-language-nodejs/main.go`, `RunPlugin`
 * with kind `analyzer`) resolves `@pulumi/pulumi/cmd/run-policy-pack` from the pack's directory and runs
 * `node <runner> [nodeargs…] <engine address> <pack directory>` with the pack's directory as working
 * directory and `PULUMI_NODEJS_TYPESCRIPT=true` unless the pack sets `typescript: false`. The runner prints
 * the port of its Analyzer server on stdout; the engine connects to it.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import * as grpc from '@grpc/grpc-js';
import analyzerGrpc from '@pulumi/pulumi/proto/analyzer_grpc_pb.js';
import type * as analyzer from '@pulumi/pulumi/proto/analyzer_pb.js';
import emptyPb from 'google-protobuf/google/protobuf/empty_pb.js';
import { parse } from 'yaml';

/** Options of {@link startPolicyPack}. */
export interface StartPolicyPackOptions {
  /** Node.js binary to run the runner with. @default process.execPath */
  readonly node?: string;
  /** How long the runner may take to print its port. @default 30_000 */
  readonly startTimeoutMs?: number;
}

/** A running policy pack. */
export interface RunningPolicyPack {
  /** Port of the Analyzer gRPC server on 127.0.0.1. */
  readonly port: number;
  /** Everything the runner wrote to stderr so far (for failure messages). */
  stderr(): string;
  /** Stops the runner: SIGTERM, then SIGKILL if it is still alive after 5 s. */
  stop(): Promise<void>;
}

/**
 * The engine address the runner receives first. `run-policy-pack/index.js` drops it (`argv._.shift()`)
 * and logs through `PULUMI_NODEJS_ENGINE` only, which the language host does not set for policy packs,
 * so nothing ever connects to it: a closed loopback port is enough.
 */
const UNUSED_ENGINE_ADDRESS = '127.0.0.1:1';

function waitForExit(child: ChildProcess, timeoutMs: number): Promise<boolean> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), timeoutMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  if (await waitForExit(child, 5_000)) return;
  child.kill('SIGKILL');
  await waitForExit(child, 5_000);
}

/** The `runtime.options` of PulumiPolicy.yaml that the Node.js language host reads. */
export interface NodeRuntimeOptions {
  /** @default true */
  readonly typescript: boolean;
  /** Split on whitespace (the host uses shlex; no quoting is needed here). */
  readonly nodeargs: string[];
}

/** Reads `runtime.options` of a pack's PulumiPolicy.yaml (`runtime` may be a bare string). */
export function readRuntimeOptions(packDir: string): NodeRuntimeOptions {
  const project = parse(readFileSync(path.join(packDir, 'PulumiPolicy.yaml'), 'utf8')) as {
    runtime?: string | { options?: { typescript?: unknown; nodeargs?: unknown } };
  };
  const options = typeof project.runtime === 'object' ? (project.runtime.options ?? {}) : {};
  return {
    typescript: options.typescript !== false,
    nodeargs: typeof options.nodeargs === 'string' ? options.nodeargs.split(/\s+/).filter(Boolean) : [],
  };
}

/** Environment of the runner: the caller's, minus what would change how Node or the runner behaves. */
function runnerEnvironment(options: NodeRuntimeOptions): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (key === 'NODE_OPTIONS' || key.startsWith('PULUMI_') || key.startsWith('VITEST')) continue;
    env[key] = value;
  }
  if (options.typescript) env.PULUMI_NODEJS_TYPESCRIPT = 'true';
  return env;
}

/** Starts Pulumi's policy-pack runner on a pack directory and waits for the port it prints. */
export async function startPolicyPack(
  packDir: string,
  options: StartPolicyPackOptions = {},
): Promise<RunningPolicyPack> {
  const absolute = path.resolve(packDir);
  // Resolved from the pack directory, as the language host's locateModule does.
  const runner = createRequire(path.join(absolute, 'package.json')).resolve(
    '@pulumi/pulumi/cmd/run-policy-pack',
  );
  const runtimeOptions = readRuntimeOptions(absolute);
  // nodeargs land after the runner script, where Node hands them to the script instead of reading them.
  const args = [runner, ...runtimeOptions.nodeargs, UNUSED_ENGINE_ADDRESS, absolute];
  const child = spawn(options.node ?? process.execPath, args, {
    cwd: absolute,
    env: runnerEnvironment(runtimeOptions),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  let stdout = '';
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  const timeoutMs = options.startTimeoutMs ?? 30_000;
  try {
    const port = await new Promise<number>((resolve, reject) => {
      const timer = setTimeout(
        () =>
          reject(
            new Error(
              `policy pack ${absolute} printed no port within ${timeoutMs} ms\nstdout: ${stdout}\nstderr: ${stderr}`,
            ),
          ),
        timeoutMs,
      );
      child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
        stdout += chunk;
        const line = stdout.split('\n').find((l) => /^\d+$/.test(l.trim()));
        if (line !== undefined) {
          clearTimeout(timer);
          resolve(Number(line.trim()));
        }
      });
      child.once('error', (error) => {
        clearTimeout(timer);
        reject(error);
      });
      child.once('exit', (code, signal) => {
        clearTimeout(timer);
        // Let stderr drain before reporting it.
        setImmediate(() =>
          reject(
            new Error(
              `policy pack ${absolute} exited (code ${code}, signal ${signal}) before printing its port\nstdout: ${stdout}\nstderr: ${stderr}`,
            ),
          ),
        );
      });
    });
    return { port, stderr: () => stderr, stop: () => stopChild(child) };
  } catch (error) {
    await stopChild(child);
    throw error;
  }
}

/** The Analyzer calls the engine makes, as promises with a deadline. */
export interface AnalyzerCalls {
  getAnalyzerInfo(): Promise<analyzer.AnalyzerInfo>;
  analyze(request: analyzer.AnalyzeRequest): Promise<analyzer.AnalyzeResponse>;
  analyzeStack(request: analyzer.AnalyzeStackRequest): Promise<analyzer.AnalyzeResponse>;
  close(): void;
}

/** A client of the Analyzer server on 127.0.0.1:`port`; every call fails after `deadlineMs`. */
export function analyzerClient(port: number, deadlineMs = 10_000): AnalyzerCalls {
  const client = new analyzerGrpc.AnalyzerClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
  const options = (): Partial<grpc.CallOptions> => ({ deadline: Date.now() + deadlineMs });
  const unary = <T>(name: string, call: (cb: (error: grpc.ServiceError | null, value: T) => void) => void) =>
    new Promise<T>((resolve, reject) =>
      call((error, value) =>
        error === null ? resolve(value) : reject(new Error(`Analyzer.${name} failed: ${error.message}`)),
      ),
    );
  return {
    getAnalyzerInfo: () =>
      unary('GetAnalyzerInfo', (cb) =>
        client.getAnalyzerInfo(new emptyPb.Empty(), new grpc.Metadata(), options(), cb),
      ),
    analyze: (request) =>
      unary('Analyze', (cb) => client.analyze(request, new grpc.Metadata(), options(), cb)),
    analyzeStack: (request) =>
      unary('AnalyzeStack', (cb) => client.analyzeStack(request, new grpc.Metadata(), options(), cb)),
    close: () => client.close(),
  };
}
