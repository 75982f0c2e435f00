/** The flags `npm run replay` and `npm run archive` share, and the one way both parse their command line. */
import { type ParseArgsConfig, parseArgs } from 'node:util';
import { ReplayOptionsError } from '../../processors/replay/errors.js';
import { ENVIRONMENT_OPTIONS } from '../environment/index.js';

/** The time range, aggregate filters, bad-input policy, output form, help and environment flags. */
const ARCHIVE_TOOL_OPTIONS = {
  from: { type: 'string' },
  to: { type: 'string' },
  'aggregate-type': { type: 'string', multiple: true },
  'aggregate-id': { type: 'string', multiple: true },
  'bad-input': { type: 'string', default: 'skip' },
  json: { type: 'boolean', default: false },
  help: { type: 'boolean', short: 'h', default: false },
  ...ENVIRONMENT_OPTIONS,
} as const satisfies ParseArgsConfig['options'];

/** Parsed flag values by name: a string, a repeated string, a boolean, or absent. */
export type FlagValues = Record<string, string | boolean | string[] | undefined>;

/**
 * Joins `--from -2h` into `--from=-2h`: parseArgs takes a value starting with `-` for an option, so relative times
 * would otherwise be refused as ambiguous.
 */
export function joinRelativeTimes(
  argv: readonly string[],
  names: readonly string[] = ['--from', '--to'],
): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    const next = argv[i + 1];
    if (names.includes(arg) && next !== undefined && /^-\d/.test(next)) {
      out.push(`${arg}=${next}`);
      i++;
    } else out.push(arg);
  }
  return out;
}

/**
 * Parses an archive tool's command line (npm's `--` dropped, relative times joined): the shared flags plus the
 * tool's own. Throws {@link ReplayOptionsError} naming an unknown or malformed flag.
 */
export function parseArchiveToolArgs(
  argv: readonly string[],
  ownOptions: NonNullable<ParseArgsConfig['options']>,
  allowPositionals: boolean,
): { values: FlagValues; positionals: string[] } {
  try {
    const { values, positionals } = parseArgs({
      args: joinRelativeTimes(argv.filter((a) => a !== '--')),
      strict: true,
      allowPositionals,
      options: { ...ARCHIVE_TOOL_OPTIONS, ...ownOptions },
    });
    return { values: values as FlagValues, positionals };
  } catch (cause) {
    throw new ReplayOptionsError((cause as Error).message, { cause });
  }
}
