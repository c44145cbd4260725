import { readdirSync } from "node:fs";
import { dirname, join, sep } from "node:path";
import { fileURLToPath } from "node:url";
import {
  create,
  type DescEnum,
  type DescField,
  type DescMessage,
  equals,
  fromBinary,
  fromJsonString,
  isFieldSet,
  ScalarType,
  toBinary,
  toJsonString,
} from "@bufbuild/protobuf";
import { describe, expect, test } from "@jest/globals";
import * as proto from "@twinstate/proto";
import fc from "fast-check";

// Every message of every twinstate file, nested ones included, found through the descriptors so a
// message added to a .proto file is covered without touching this test.
function allMessages(): DescMessage[] {
  const out: DescMessage[] = [];
  const visit = (message: DescMessage): void => {
    out.push(message);
    message.nestedMessages.forEach(visit);
  };
  for (const file of proto.twinstateFiles) file.messages.forEach(visit);
  return out;
}
const messages = allMessages();

type Init = Record<string, unknown>;
type ScalarKind = Exclude<DescField["scalar"], undefined>;

// Arbitraries per scalar type. -0 and NaN are left out: proto3 does not serialize -0 in singular fields
// and NaN !== NaN, so both would fail equality for reasons unrelated to the contracts.
function scalarArbitrary(type: ScalarKind): fc.Arbitrary<unknown> {
  switch (type) {
    case ScalarType.DOUBLE:
      return fc.double({ noNaN: true }).filter((x) => !Object.is(x, -0));
    case ScalarType.FLOAT:
      return fc.float({ noNaN: true }).filter((x) => !Object.is(x, -0));
    case ScalarType.INT32:
    case ScalarType.SINT32:
    case ScalarType.SFIXED32:
      return fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 });
    case ScalarType.UINT32:
    case ScalarType.FIXED32:
      return fc.integer({ min: 0, max: 2 ** 32 - 1 });
    case ScalarType.INT64:
    case ScalarType.SINT64:
    case ScalarType.SFIXED64:
      return fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n });
    case ScalarType.UINT64:
    case ScalarType.FIXED64:
      return fc.bigInt({ min: 0n, max: 2n ** 64n - 1n });
    case ScalarType.BOOL:
      return fc.boolean();
    case ScalarType.STRING:
      return fc.string({ unit: "grapheme", maxLength: 12 });
    case ScalarType.BYTES:
      return fc.uint8Array({ maxLength: 16 });
  }
}

const enumArbitrary = (desc: DescEnum) => fc.constantFrom(...desc.values.map((v) => v.number));

// Well-known types whose JSON form restricts the values (RFC 3339 range, nanos sign).
function messageArbitrary(desc: DescMessage): fc.Arbitrary<Init> {
  if (desc.typeName === "google.protobuf.Timestamp") {
    return fc.record({
      seconds: fc.bigInt({ min: -62135596800n, max: 253402300799n }),
      nanos: fc.integer({ min: 0, max: 999_999_999 }),
    });
  }
  if (desc.typeName === "google.protobuf.Duration") {
    return fc
      .tuple(fc.bigInt({ min: 0n, max: 315576000000n }), fc.integer({ min: 0, max: 999_999_999 }), fc.boolean())
      .map(([seconds, nanos, negative]) => (negative ? { seconds: -seconds, nanos: -nanos } : { seconds, nanos }));
  }
  const parts: Record<string, fc.Arbitrary<unknown>> = {};
  for (const member of desc.members) {
    if (member.kind === "oneof") {
      parts[member.localName] = fc.oneof(
        fc.constant({ case: undefined }),
        ...member.fields.map((field) => singularArbitrary(field).map((value) => ({ case: field.localName, value }))),
      );
    } else {
      parts[member.localName] = fieldArbitrary(member);
    }
  }
  return fc.record(parts);
}

function singularArbitrary(field: DescField): fc.Arbitrary<unknown> {
  switch (field.fieldKind) {
    case "scalar":
      return scalarArbitrary(field.scalar);
    case "enum":
      return enumArbitrary(field.enum);
    case "message":
      return messageArbitrary(field.message);
    default:
      throw new Error(`${field.toString()} is not singular`);
  }
}

function fieldArbitrary(field: DescField): fc.Arbitrary<unknown> {
  switch (field.fieldKind) {
    case "list": {
      const element =
        field.listKind === "scalar"
          ? scalarArbitrary(field.scalar)
          : field.listKind === "enum"
            ? enumArbitrary(field.enum)
            : messageArbitrary(field.message);
      return fc.array(element, { maxLength: 4 });
    }
    case "map": {
      const value =
        field.mapKind === "scalar"
          ? scalarArbitrary(field.scalar)
          : field.mapKind === "enum"
            ? enumArbitrary(field.enum)
            : messageArbitrary(field.message);
      if (field.mapKey !== ScalarType.STRING) throw new Error(`${field.toString()}: add an arbitrary for this key`);
      return fc.dictionary(fc.string({ unit: "grapheme", maxLength: 8 }), value, { maxKeys: 4 });
    }
    default:
      return singularArbitrary(field);
  }
}

// A fixed, non-default value for every field (and one message per member of each oneof), so the
// deterministic test proves every field survives both encodings.
function nonDefaultScalar(type: ScalarKind, salt: number): unknown {
  switch (type) {
    case ScalarType.DOUBLE:
      return 1.25 + salt;
    case ScalarType.FLOAT:
      return 0.5 + salt;
    case ScalarType.INT64:
    case ScalarType.SINT64:
    case ScalarType.SFIXED64:
      return -(2n ** 40n) - BigInt(salt);
    case ScalarType.UINT64:
    case ScalarType.FIXED64:
      return 2n ** 63n + BigInt(salt);
    case ScalarType.BOOL:
      return true;
    case ScalarType.STRING:
      return `v${salt}·Ω`;
    case ScalarType.BYTES:
      return new Uint8Array([0, 255, salt & 0xff]);
    case ScalarType.UINT32:
    case ScalarType.FIXED32:
      return 4_000_000_000 - salt;
    default:
      return -7 - salt;
  }
}

function nonDefaultSingular(field: DescField, salt: number, choice: number): unknown {
  const kind =
    field.fieldKind === "list" ? field.listKind : field.fieldKind === "map" ? field.mapKind : field.fieldKind;
  if (kind === "scalar") return nonDefaultScalar(field.scalar as ScalarKind, salt);
  if (kind === "enum" && field.enum) return field.enum.values[field.enum.values.length - 1].number;
  if (kind === "message" && field.message) return filled(field.message, choice);
  throw new Error(`unexpected field ${field.toString()}`);
}

function filled(desc: DescMessage, choice: number): Init {
  if (desc.typeName === "google.protobuf.Timestamp") return { seconds: 1_790_000_000n, nanos: 123_456_789 };
  if (desc.typeName === "google.protobuf.Duration") return { seconds: 90n, nanos: 500_000_000 };
  const init: Init = {};
  desc.fields.forEach((field, salt) => {
    if (field.oneof !== undefined) return;
    if (field.fieldKind === "list") {
      init[field.localName] = [nonDefaultSingular(field, salt, choice), nonDefaultSingular(field, salt + 1, choice)];
    } else if (field.fieldKind === "map") {
      init[field.localName] = {
        a: nonDefaultSingular(field, salt, choice),
        "b/ü": nonDefaultSingular(field, salt + 1, choice),
      };
    } else {
      init[field.localName] = nonDefaultSingular(field, salt, choice);
    }
  });
  for (const oneof of desc.oneofs) {
    const field = oneof.fields[choice % oneof.fields.length];
    init[oneof.localName] = { case: field.localName, value: nonDefaultSingular(field, 3, choice) };
  }
  return init;
}

function expectRoundTrips(desc: DescMessage, init: Init): void {
  const message = create(desc, init);
  const bytes = toBinary(desc, message);
  const fromBytes = fromBinary(desc, bytes);
  expect(equals(desc, fromBytes, message)).toBe(true);
  const fromJson = fromJsonString(desc, toJsonString(desc, message));
  expect(equals(desc, fromJson, message)).toBe(true);
  expect(toBinary(desc, fromJson)).toEqual(bytes);
}

describe("every twinstate message round-trips through binary and JSON", () => {
  test("twinstateFiles lists every generated file, and the index exports every message schema", () => {
    const genRoot = join(dirname(fileURLToPath(import.meta.url)), "../src/gen");
    const generated = (readdirSync(genRoot, { recursive: true }) as string[])
      .filter((path) => path.endsWith("_pb.js"))
      .map((path) =>
        path
          .split(sep)
          .join("/")
          .replace(/_pb\.js$/, ".proto"),
      )
      .sort();
    expect(proto.twinstateFiles.map((file) => file.proto.name).sort()).toEqual(generated);
    const exported = proto as unknown as Record<string, unknown>;
    for (const message of messages) {
      const exportName = `${message.typeName.split(".").slice(3).join("_")}Schema`;
      expect(exported[exportName]).toBe(message);
    }
    // 56 messages when this was written; fewer means the descriptor walk lost some.
    expect(messages.length).toBeGreaterThanOrEqual(56);
  });

  test.each(messages.map((m) => [m.typeName, m] as const))("%s with every field set", (_name, desc) => {
    const choices = Math.max(1, ...desc.oneofs.map((oneof) => oneof.fields.length));
    for (let choice = 0; choice < choices; choice++) {
      const message = create(desc, filled(desc, choice));
      for (const field of desc.fields) {
        const inChosenOneofMember =
          field.oneof === undefined || field.oneof.fields.indexOf(field) === choice % field.oneof.fields.length;
        expect(isFieldSet(message, field)).toBe(inChosenOneofMember);
      }
      expectRoundTrips(desc, filled(desc, choice));
    }
  });

  test.each(messages.map((m) => [m.typeName, m] as const))("%s with arbitrary values", (_name, desc) => {
    fc.assert(
      fc.property(messageArbitrary(desc), (init) => expectRoundTrips(desc, init)),
      { numRuns: 25 },
    );
  });
});
