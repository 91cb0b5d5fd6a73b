/**
 * Make a routing value (project, logstore) safe as one path segment: no separators, no `..`,
 * no control characters, bounded length. Distinct unsafe inputs stay distinct (a short hash is
 * appended whenever anything was replaced; an empty value becomes `~empty`).
 */
import { createHash } from 'node:crypto';

const UNSAFE = /[^A-Za-z0-9._-]/g;
const MAX_SEGMENT = 128;

export function safePathSegment(value: string): string {
  // `~` never survives from input, so these names cannot collide with a real value.
  if (value === '') return '~empty';
  const cleaned = value.replace(UNSAFE, '_').slice(0, MAX_SEGMENT);
  if (cleaned === value && value !== '' && value !== '.' && value !== '..') return value;
  const suffix = createHash('sha256').update(value).digest('hex').slice(0, 8);
  return `${cleaned.replace(/^\.+/, '_')}~${suffix}`;
}
