/**
 * A second emulator process for test/tools/explicit-environment.int.spec.ts: kinesalite, dynalite and s3rver on
 * loopback, without the local stack and without endpoints.json. Prints `{"kinesis","dynamodb","s3"}` as one JSON line
 * on stdout, then runs until stdin closes (its parent ended) or SIGTERM.
 */
import { startDynalite, startKinesalite, startS3rver } from '../../local/emulators/index.js';

const [kinesis, dynamodb, s3] = await Promise.all([startKinesalite(), startDynalite(), startS3rver()]);
process.stdout.write(
  `${JSON.stringify({ kinesis: kinesis.endpoint, dynamodb: dynamodb.endpoint, s3: s3.endpoint })}\n`,
);
const stop = async () => {
  await Promise.allSettled([kinesis.close(), dynamodb.close(), s3.close()]);
  process.exit(0);
};
process.once('SIGTERM', stop);
process.stdin.on('end', stop);
process.stdin.resume();
