/**
 * @twinstate/proto — the generated protobuf-es v2 code for the twinstate contracts
 * (proto/twinstate/<area>/v1), re-exported flat so services write
 * `import { SensorReadingSchema } from "@twinstate/proto"`.
 *
 * Why flat: message, enum and service names are unique across the four areas (buf lint keeps
 * each area's names distinct and the round-trip test would catch a shadowed export).
 * The generated files under src/gen are produced by `buf generate` (buf.gen.yaml) and never edited.
 */

export * from "./gen/twinstate/alert/v1/alert_pb.js";
export * from "./gen/twinstate/alert/v1/service_pb.js";
export * from "./gen/twinstate/alert/v1/silence_pb.js";
export * from "./gen/twinstate/drift/v1/detector_state_pb.js";
export * from "./gen/twinstate/drift/v1/drift_event_pb.js";
export * from "./gen/twinstate/drift/v1/service_pb.js";
export * from "./gen/twinstate/telemetry/v1/data_contract_pb.js";
export * from "./gen/twinstate/telemetry/v1/dead_letter_pb.js";
export * from "./gen/twinstate/telemetry/v1/reading_pb.js";
export * from "./gen/twinstate/telemetry/v1/service_pb.js";
export * from "./gen/twinstate/telemetry/v1/source_position_pb.js";
export * from "./gen/twinstate/telemetry/v1/validated_reading_pb.js";
export * from "./gen/twinstate/twin/v1/checkpoint_pb.js";
export * from "./gen/twinstate/twin/v1/definition_pb.js";
export * from "./gen/twinstate/twin/v1/estimate_pb.js";
export * from "./gen/twinstate/twin/v1/forecast_pb.js";
export * from "./gen/twinstate/twin/v1/service_pb.js";
export { twinstateFiles, twinstateServices } from "./twinstate-files.ts";
