/** A YAML or JSON scalar as text (`30`, `true`, `logs/`); `undefined` for nothing, lists and mappings. */
export function scalarText(value: unknown): string | undefined {
  return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean'
    ? String(value)
    : undefined;
}

/** Whether a parsed value is a mapping (a plain object, not a list). */
export function isMapping(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A parsed value as error messages show it: scalars quoted and cut short, containers by kind. */
export function describeValue(value: unknown): string {
  if (value === null || value === undefined) return 'nothing';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  return typeof value === 'string' ? JSON.stringify(value.slice(0, 64)) : String(value);
}
