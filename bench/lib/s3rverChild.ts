/**
 * Child process of `startS3rverProcess`: s3rver (test/fixtures/s3/startS3rver.ts) on a loopback
 * port. Answers no commands; exits when its stdin ends.
 *
 * Its store goes to a memory-backed directory (`/dev/shm`) when the machine has one: on the disk,
 * the naive function's thousands of small objects left writeback behind that slowed every later
 * upload, this project's ones included (`kinesis-1000`: 1.91–1.96× the floor with the store on
 * disk, 1.51–1.53× on tmpfs, same code, interleaved runs; BENCHMARKS.md). S3 has no such disk in
 * the path of a PutObject.
 */
import { accessSync, constants, statfsSync } from 'node:fs';
import { startS3rver } from '../../test/fixtures/s3/startS3rver.ts';
import { serveCommands } from './childServer.ts';

/** A memory-backed directory for the store, when there is one (Linux). */
const MEMORY_DIRECTORY = '/dev/shm';
/**
 * Free space it must have: the naive function's 10,000 objects take about 80 MB there (two files
 * each), and a container's default `/dev/shm` is 64 MB.
 */
const MEMORY_DIRECTORY_MIN_FREE_BYTES = 1024 ** 3;

try {
  accessSync(MEMORY_DIRECTORY, constants.W_OK);
  const { bavail, bsize } = statfsSync(MEMORY_DIRECTORY);
  if (bavail * bsize >= MEMORY_DIRECTORY_MIN_FREE_BYTES) process.env.TMPDIR = MEMORY_DIRECTORY;
} catch {
  // No tmpfs here: the store stays in the usual temporary directory.
}

const server = await startS3rver(process.argv.slice(2));
serveCommands(
  { endpoint: server.endpoint, directory: server.directory },
  () => null,
  () => server.close(),
);
