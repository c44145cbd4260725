import { type DescFile, toBinary } from "@bufbuild/protobuf";
import { FileDescriptorProtoSchema } from "@bufbuild/protobuf/wkt";
import { ReflectionService } from "@grpc/reflection";
import { healthFileDescriptor } from "./health-file-descriptor.ts";

type ReflectionPackage = ConstructorParameters<typeof ReflectionService>[0];

/**
 * Every file the given files need, dependencies first, each once (by file name).
 *
 * Why: a reflection client resolving `twinstate.twin.v1.TwinService` must also receive
 * google/protobuf/timestamp.proto and the other imports, or it cannot build the descriptors.
 */
export function withDependencies(files: Iterable<DescFile>): DescFile[] {
  const seen = new Map<string, DescFile>();
  const visit = (file: DescFile): void => {
    if (seen.has(file.name)) return;
    for (const dependency of file.dependencies) visit(dependency);
    seen.set(file.name, file);
  };
  for (const file of files) visit(file);
  return [...seen.values()];
}

/**
 * Builds the gRPC server reflection service (v1 and v1alpha, as `grpcurl` needs) from protobuf-es
 * file descriptors, plus grpc.health.v1 so health is discoverable too.
 *
 * Why this shape: @grpc/reflection only reads `fileDescriptorProtos` (serialized
 * FileDescriptorProto bytes) from the package definition it is given. Feeding it the exact bytes of
 * the protobuf-es descriptors (`toBinary(FileDescriptorProtoSchema, file.proto)`) keeps the files as
 * authored — names, imports, one file per .proto. Going through proto-loader's
 * `loadFileDescriptorSetFromBuffer` instead merges files per package and drops the import lists,
 * which breaks `grpcurl describe`. The integration test checks the answers with a real client.
 */
export function createReflectionService(files: Iterable<DescFile>): ReflectionService {
  const definition: Record<string, { fileDescriptorProtos: Buffer[] }> = {};
  for (const file of withDependencies(files)) {
    definition[`file:${file.name}`] = {
      fileDescriptorProtos: [Buffer.from(toBinary(FileDescriptorProtoSchema, file.proto))],
    };
  }
  definition[`file:${healthFileDescriptor.name}`] = {
    fileDescriptorProtos: [Buffer.from(toBinary(FileDescriptorProtoSchema, healthFileDescriptor))],
  };
  return new ReflectionService(definition as unknown as ReflectionPackage);
}
