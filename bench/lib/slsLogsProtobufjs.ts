import protobuf from 'protobufjs';
import type { KeyValue, Log, LogGroup } from '../../src/protocol/LogGroup.ts';

/**
 * The iLogtail `sls_logs` schema for protobufjs, parsed from .proto text at runtime (what a user
 * without a build step writes), and the mapping from its messages to this project's model.
 */
export const SLS_LOGS_PROTO = `
syntax = "proto2";
package sls_logs;

message Log {
  required uint32 Time = 1;
  message Content {
    required string Key = 1;
    required string Value = 2;
  }
  repeated Content Contents = 2;
  repeated string values = 3;
  optional fixed32 Time_ns = 4;
}

message LogTag {
  required string Key = 1;
  required string Value = 2;
}

message LogGroup {
  repeated Log Logs = 1;
  optional string Category = 2;
  optional string Topic = 3;
  optional string Source = 4;
  optional string MachineUUID = 5;
  repeated LogTag LogTags = 6;
}

message LogGroupList {
  repeated LogGroup logGroupList = 1;
}
`;

/** protobufjs' decoded messages (field names kept as in the .proto; defaults live on the prototype). */
interface PbjsPair {
  Key: string;
  Value: string;
}
interface PbjsLog {
  Time: number;
  Contents: PbjsPair[];
  Time_ns: number;
}
interface PbjsLogGroup {
  Logs: PbjsLog[];
  Category: string;
  Topic: string;
  Source: string;
  MachineUUID: string;
  LogTags: PbjsPair[];
}
export interface PbjsLogGroupList {
  logGroupList: PbjsLogGroup[];
}

const root = protobuf.parse(SLS_LOGS_PROTO, { keepCase: true }).root;
/** The `sls_logs.LogGroupList` type. */
export const PbjsLogGroupListType = root.lookupType('sls_logs.LogGroupList');

/** Decode with protobufjs; its output is protobufjs message objects, not the model. */
export function decodeWithProtobufjs(bytes: Uint8Array): PbjsLogGroupList {
  return PbjsLogGroupListType.decode(bytes) as unknown as PbjsLogGroupList;
}

/**
 * Map protobufjs messages to the model. Presence of the proto2 optional `Time_ns` is an own
 * property (protobufjs' documented `hasOwnProperty` test); empty meta strings become undefined.
 */
export function protobufjsToModel(list: PbjsLogGroupList): LogGroup[] {
  const groups: LogGroup[] = [];
  for (const group of list.logGroupList) {
    const logs: Log[] = [];
    for (const log of group.Logs) {
      logs.push({
        time: log.Time,
        timeNs: Object.hasOwn(log, 'Time_ns') ? log.Time_ns : undefined,
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

function pairs(from: readonly PbjsPair[]): KeyValue[] {
  const out: KeyValue[] = [];
  for (const pair of from) out.push({ key: pair.Key, value: pair.Value });
  return out;
}
