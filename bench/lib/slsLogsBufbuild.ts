import { create, createFileRegistry, type DescMessage, fromBinary, isFieldSet } from '@bufbuild/protobuf';
import {
  FileDescriptorProtoSchema,
  FieldDescriptorProto_Label as Label,
  FieldDescriptorProto_Type as Type,
} from '@bufbuild/protobuf/wkt';
import type { KeyValue, Log, LogGroup } from '../../src/protocol/LogGroup.ts';

/**
 * The iLogtail `sls_logs` schema for `@bufbuild/protobuf` v2, built at runtime from a
 * FileDescriptorProto (the same descriptor `protoc` would emit for the .proto in
 * slsLogsProtobufjs.ts), and the mapping from its messages to this project's model.
 */
const field = (name: string, number: number, label: Label, type: Type, typeName?: string) => ({
  name,
  number,
  label,
  type,
  ...(typeName === undefined ? {} : { typeName }),
});
const pair = (name: string) => ({
  name,
  field: [field('Key', 1, Label.REQUIRED, Type.STRING), field('Value', 2, Label.REQUIRED, Type.STRING)],
});

const file = create(FileDescriptorProtoSchema, {
  name: 'sls_logs.proto',
  package: 'sls_logs',
  syntax: 'proto2',
  messageType: [
    {
      name: 'Log',
      field: [
        field('Time', 1, Label.REQUIRED, Type.UINT32),
        field('Contents', 2, Label.REPEATED, Type.MESSAGE, '.sls_logs.Log.Content'),
        field('values', 3, Label.REPEATED, Type.STRING),
        field('Time_ns', 4, Label.OPTIONAL, Type.FIXED32),
      ],
      nestedType: [pair('Content')],
    },
    pair('LogTag'),
    {
      name: 'LogGroup',
      field: [
        field('Logs', 1, Label.REPEATED, Type.MESSAGE, '.sls_logs.Log'),
        field('Category', 2, Label.OPTIONAL, Type.STRING),
        field('Topic', 3, Label.OPTIONAL, Type.STRING),
        field('Source', 4, Label.OPTIONAL, Type.STRING),
        field('MachineUUID', 5, Label.OPTIONAL, Type.STRING),
        field('LogTags', 6, Label.REPEATED, Type.MESSAGE, '.sls_logs.LogTag'),
      ],
    },
    {
      name: 'LogGroupList',
      field: [field('logGroupList', 1, Label.REPEATED, Type.MESSAGE, '.sls_logs.LogGroup')],
    },
  ],
});
const registry = createFileRegistry(file, () => undefined);

function message(typeName: string): DescMessage {
  const desc = registry.getMessage(typeName);
  if (desc === undefined) throw new Error(`sls_logs descriptor lacks ${typeName}`);
  return desc;
}

/** The `sls_logs.LogGroupList` message descriptor. */
export const BufLogGroupListSchema = message('sls_logs.LogGroupList');
const LogSchema = message('sls_logs.Log');
const timeNsField = LogSchema.fields.find((f) => f.number === 4)!;

/** bufbuild's decoded messages (local names: the .proto names without underscores, `Time_ns` → `TimeNs`). */
interface BufPair {
  Key: string;
  Value: string;
}
interface BufLog {
  Time: number;
  Contents: BufPair[];
  TimeNs: number;
}
interface BufLogGroup {
  Logs: BufLog[];
  Category: string;
  Topic: string;
  Source: string;
  MachineUUID: string;
  LogTags: BufPair[];
}
export interface BufLogGroupList {
  logGroupList: BufLogGroup[];
}

/** Decode with `@bufbuild/protobuf`; unknown fields are dropped, as the runtime does not need them. */
export function decodeWithBufbuild(bytes: Uint8Array): BufLogGroupList {
  return fromBinary(BufLogGroupListSchema, bytes, { readUnknownFields: false }) as unknown as BufLogGroupList;
}

/** Map bufbuild messages to the model; `Time_ns` presence through the public `isFieldSet`. */
export function bufbuildToModel(list: BufLogGroupList): LogGroup[] {
  const groups: LogGroup[] = [];
  for (const group of list.logGroupList) {
    const logs: Log[] = [];
    for (const log of group.Logs) {
      logs.push({
        time: log.Time,
        timeNs: isFieldSet(log as never, timeNsField) ? log.TimeNs : undefined,
        contents: pairs(log.Contents),
      });
    }
    groups.push({
      logs,
      category: group.Category || undefined,
      topic: group.Topic || undefined,
      source: group.Source || undefined,
      machineUUID: group.MachineUUID || undefined,
      logTags: pairs(group.LogTags),
    });
  }
  return groups;
}

function pairs(from: readonly BufPair[]): KeyValue[] {
  const out: KeyValue[] = [];
  for (const pair of from) out.push({ key: pair.Key, value: pair.Value });
  return out;
}
