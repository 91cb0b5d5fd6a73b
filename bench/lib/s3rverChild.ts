/**
 * Child process of `startS3rverProcess`: s3rver (test/fixtures/s3/startS3rver.ts) on a loopback
 * port. Answers no commands; exits when its stdin ends.
 */
import { startS3rver } from '../../test/fixtures/s3/startS3rver.ts';
import { serveCommands } from './childServer.ts';

const server = await startS3rver(process.argv.slice(2));
serveCommands(
  { endpoint: server.endpoint, directory: server.directory },
  () => null,
  () => server.close(),
);
