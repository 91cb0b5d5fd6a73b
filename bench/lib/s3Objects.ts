import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { GetObjectCommand, ListObjectsCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';

/**
 * Every key under `prefix`, sorted. Pages with ListObjects (v1) markers: s3rver's ListObjectsV2
 * continuation tokens use DES, which Node 22's OpenSSL 3 refuses.
 */
export async function listKeys(client: S3Client, bucket: string, prefix: string): Promise<string[]> {
  const keys: string[] = [];
  let marker: string | undefined;
  for (;;) {
    const page = await client.send(
      new ListObjectsCommand({ Bucket: bucket, Prefix: prefix, Marker: marker }),
    );
    for (const object of page.Contents ?? []) if (object.Key !== undefined) keys.push(object.Key);
    if (!page.IsTruncated || keys.length === 0) break;
    marker = keys.at(-1);
  }
  return keys.sort();
}

/** PutObject of each of `objects` in turn, under `${keyPrefix}${i}`: the upload part of a benchmark. */
export async function putObjects(
  client: S3Client,
  bucket: string,
  keyPrefix: string,
  objects: readonly Buffer[],
): Promise<void> {
  for (const [i, object] of objects.entries()) {
    await client.send(new PutObjectCommand({ Bucket: bucket, Key: `${keyPrefix}${i}`, Body: object }));
  }
}

/** The stored bytes of one object (as written: still compressed). */
export async function readObject(client: S3Client, bucket: string, key: string): Promise<Buffer> {
  const output = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  if (output.Body === undefined) throw new Error(`s3://${bucket}/${key} has no body`);
  return Buffer.from(await output.Body.transformToByteArray());
}

/**
 * The stored bytes of every object directly under `prefix` (a folder: ends with `/`), in key order,
 * read from s3rver's filesystem store in `directory` instead of through its HTTP API: ten thousand
 * small objects read back in a fraction of a second instead of tens of seconds.
 */
export async function readStoredObjects(
  directory: string,
  bucket: string,
  prefix: string,
): Promise<Buffer[]> {
  // s3rver stores key `a/b/c` as the file `<directory>/<bucket>/a/b/c._S3rver_object`.
  const folder = join(directory, bucket, ...prefix.split('/').filter(Boolean));
  const names = (await readdir(folder)).filter((name) => name.endsWith(S3RVER_OBJECT_SUFFIX)).sort();
  return Promise.all(names.map((name) => readFile(join(folder, name))));
}

const S3RVER_OBJECT_SUFFIX = '._S3rver_object';
