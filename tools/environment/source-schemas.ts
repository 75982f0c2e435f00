/** One zod schema per environment source; endpoints.json's is `localEndpointsSchema` in local/endpoints. */
import { z } from 'zod';

const nonBlank = z
  .string()
  .min(1, 'must not be empty')
  .refine((s) => s.trim() === s && !/\s/.test(s), 'must not contain spaces');

/** The explicit form's flags (the region, credentials and endpoints are the SDK's to read). */
export const explicitFlagsSchema = z.strictObject({
  stream: nonBlank.optional(),
  table: nonBlank.optional(),
  bucket: nonBlank.optional(),
  bus: nonBlank.optional(),
  archivePrefix: z.string().default('events/'),
  sourcePrefix: nonBlank.default('pipeline'),
  url: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).optional(),
  token: z.string().min(1, 'must not be empty').optional(),
  s3PathStyle: z.boolean().optional(),
});

/** The explicit form after parsing. */
export type ExplicitFlags = z.infer<typeof explicitFlagsSchema>;

/** `pulumi stack output --json`: the exports of `pulumi/index.ts` a tool may read. */
export const stackOutputsSchema = z.looseObject({
  region: z.string().min(1),
  streamName: z.string().min(1).optional(),
  tableName: z.string().min(1).optional(),
  bucketName: z.string().min(1).optional(),
  archivePrefix: z.string().default('events/'),
  busName: z.string().min(1).optional(),
  eventSourcePrefix: z.string().min(1).default('pipeline'),
  ingestUrl: z.url().optional(),
  /** A secret output: present only with `--show-secrets`. */
  ingestToken: z.string().min(1).optional(),
  queues: z.record(z.string(), z.string()).default({}),
  backfillStateMachineArn: z.string().min(1).optional(),
});

/** Parsed stack outputs. */
export type StackOutputs = z.infer<typeof stackOutputsSchema>;
