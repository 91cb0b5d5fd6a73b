import { isMapping } from './scalarText.ts';

/**
 * A `${…}` placeholder in a pipeline file's value. A deployment renders `${param:NAME}` with the
 * stage's parameters and refuses any other (infra/deployPipeline.ts); a file read as it is (a
 * local run) must hold none, or the placeholder would be used literally.
 */
export const PLACEHOLDER = /\$\{([^}]*)\}/g;

/**
 * The first value of a parsed pipeline file holding a {@link PLACEHOLDER}: its path
 * (`flushers[0].Directory`) and the placeholder, or undefined when there is none.
 *
 * @example
 * ```ts
 * firstPlaceholder({ flushers: [{ Directory: '${param:fileDir}/x' }] });
 * // { path: 'flushers[0].Directory', placeholder: '${param:fileDir}' }
 * ```
 */
export function firstPlaceholder(
  value: unknown,
  path = '',
): { path: string; placeholder: string } | undefined {
  if (typeof value === 'string') {
    const placeholder = value.match(PLACEHOLDER)?.[0];
    return placeholder === undefined ? undefined : { path, placeholder };
  }
  const entries = Array.isArray(value)
    ? value.map((item, i) => [`${path}[${i}]`, item] as const)
    : isMapping(value)
      ? Object.entries(value).map(([key, item]) => [path === '' ? key : `${path}.${key}`, item] as const)
      : [];
  for (const [at, item] of entries) {
    const found = firstPlaceholder(item, at);
    if (found !== undefined) return found;
  }
  return undefined;
}
