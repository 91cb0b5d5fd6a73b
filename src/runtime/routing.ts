import type { KeyValue } from '../protocol/LogGroup.ts';
import type { Routing } from '../sources/SourceRecord.ts';

/** A destination: where one flush group goes. */
export interface Destination {
  readonly project: string;
  readonly logstore: string;
  readonly configName: string;
  readonly logstoreKey: string;
}

/** LogGroup tags that route a group (any source; see README "Routing"). */
export const ROUTING_TAGS = {
  __project__: 'project',
  __logstore__: 'logstore',
  __config_name__: 'configName',
  __logstore_key__: 'logstoreKey',
} as const satisfies Record<string, keyof Routing>;

/**
 * Resolve a LogGroup's destination. Most specific wins: the group's routing tags, then the
 * record's routing (SQS message attributes), then the deployment's defaults.
 */
export function resolveDestination(
  defaults: Destination,
  record: Routing,
  tags: readonly KeyValue[],
): Destination {
  const fromTags: Routing = {};
  for (const { key, value } of tags) {
    const field = (ROUTING_TAGS as Record<string, keyof Routing>)[key];
    if (field !== undefined && value !== '') fromTags[field] = value;
  }
  return {
    project: fromTags.project ?? record.project ?? defaults.project,
    logstore: fromTags.logstore ?? record.logstore ?? defaults.logstore,
    configName: fromTags.configName ?? record.configName ?? defaults.configName,
    logstoreKey: fromTags.logstoreKey ?? record.logstoreKey ?? defaults.logstoreKey,
  };
}

/** Whether any of `tags` is a routing tag: without one, a group's destination is its record's. */
export function hasRoutingTag(tags: readonly KeyValue[]): boolean {
  for (const { key } of tags) if (Object.hasOwn(ROUTING_TAGS, key)) return true;
  return false;
}

/** A stable, collision-free key for grouping by destination. */
export function destinationKey(d: Destination): string {
  return JSON.stringify([d.project, d.logstore, d.configName, d.logstoreKey]);
}
