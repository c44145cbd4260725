import { create } from "@bufbuild/protobuf";
import {
  type FieldDescriptorProto,
  FieldDescriptorProto_Label,
  FieldDescriptorProto_Type,
  type FileDescriptorProto,
  FileDescriptorProtoSchema,
} from "@bufbuild/protobuf/wkt";

const optional = FieldDescriptorProto_Label.OPTIONAL;

function field(
  name: string,
  number: number,
  type: FieldDescriptorProto_Type,
  more: Partial<Pick<FieldDescriptorProto, "typeName" | "label">> = {},
) {
  const jsonName = name.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
  return { name, number, type, label: optional, jsonName, ...more };
}

/**
 * The descriptor of grpc/health/v1/health.proto (package grpc.health.v1: Check, Watch, List), as
 * served by `grpc-health-check`, for server reflection.
 *
 * Why hand-built: the only other source is @grpc/proto-loader, whose protobufjs-generated descriptor
 * names the map entry of `HealthListResponse.statuses` wrongly, so Go clients (grpcurl) reject it
 * ("invalid map: incorrect implicit map entry name"). The health service itself is served by
 * `grpc-health-check`; this only describes it, message for message and number for number.
 */
export const healthFileDescriptor: FileDescriptorProto = create(FileDescriptorProtoSchema, {
  name: "grpc/health/v1/health.proto",
  package: "grpc.health.v1",
  syntax: "proto3",
  messageType: [
    { name: "HealthListRequest" },
    {
      name: "HealthListResponse",
      field: [
        field("statuses", 1, FieldDescriptorProto_Type.MESSAGE, {
          typeName: ".grpc.health.v1.HealthListResponse.StatusesEntry",
          label: FieldDescriptorProto_Label.REPEATED,
        }),
      ],
      nestedType: [
        {
          name: "StatusesEntry",
          field: [
            field("key", 1, FieldDescriptorProto_Type.STRING),
            field("value", 2, FieldDescriptorProto_Type.MESSAGE, { typeName: ".grpc.health.v1.HealthCheckResponse" }),
          ],
          options: { mapEntry: true },
        },
      ],
    },
    { name: "HealthCheckRequest", field: [field("service", 1, FieldDescriptorProto_Type.STRING)] },
    {
      name: "HealthCheckResponse",
      field: [
        field("status", 1, FieldDescriptorProto_Type.ENUM, {
          typeName: ".grpc.health.v1.HealthCheckResponse.ServingStatus",
        }),
      ],
      enumType: [
        {
          name: "ServingStatus",
          value: [
            { name: "UNKNOWN", number: 0 },
            { name: "SERVING", number: 1 },
            { name: "NOT_SERVING", number: 2 },
            { name: "SERVICE_UNKNOWN", number: 3 },
          ],
        },
      ],
    },
  ],
  service: [
    {
      name: "Health",
      method: [
        {
          name: "Check",
          inputType: ".grpc.health.v1.HealthCheckRequest",
          outputType: ".grpc.health.v1.HealthCheckResponse",
        },
        {
          name: "Watch",
          inputType: ".grpc.health.v1.HealthCheckRequest",
          outputType: ".grpc.health.v1.HealthCheckResponse",
          serverStreaming: true,
        },
        {
          name: "List",
          inputType: ".grpc.health.v1.HealthListRequest",
          outputType: ".grpc.health.v1.HealthListResponse",
        },
      ],
    },
  ],
  options: { goPackage: "google.golang.org/grpc/health/grpc_health_v1" },
});
