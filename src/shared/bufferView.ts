/**
 * The same bytes as a Buffer, without copying (a Buffer is returned as it is), for Buffer's
 * methods (`toString`, `copy`, …) on a plain Uint8Array.
 *
 * @example
 * ```ts
 * bufferView(payload).toString('base64');
 * ```
 */
export function bufferView(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
