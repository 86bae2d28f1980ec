import { temporal } from '@temporalio/proto';

// `historyToJSON` from @temporalio/common/lib/proto-utils fails in this install ("type must be a
// Type": its protobufjs 8 protojson meets the protobufjs 7 types of @temporalio/proto), so fixtures
// are written with the proto types' own toObject: the same camelCase JSON, enums and int64 as strings.
const History = temporal.api.history.v1.History;

export function historyToFixture(history: temporal.api.history.v1.IHistory): string {
  const message = History.fromObject(history);
  return JSON.stringify(History.toObject(message, { longs: String, enums: String, bytes: String }), null, 1);
}

export function historyFromFixture(json: string): temporal.api.history.v1.History {
  return History.fromObject(JSON.parse(json) as Record<string, unknown>);
}
