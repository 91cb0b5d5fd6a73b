import { GetObjectCommand, ListObjectsCommand, type S3Client } from '@aws-sdk/client-s3';

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

/** The stored bytes of one object (as written: still compressed). */
export async function readObject(client: S3Client, bucket: string, key: string): Promise<Buffer> {
  const output = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  if (output.Body === undefined) throw new Error(`s3://${bucket}/${key} has no body`);
  return Buffer.from(await output.Body.transformToByteArray());
}
