import type { DescService } from "@bufbuild/protobuf";
import type { GenFile } from "@bufbuild/protobuf/codegenv2";
import { file_twinstate_alert_v1_alert } from "./gen/twinstate/alert/v1/alert_pb.js";
import { AlertService, file_twinstate_alert_v1_service } from "./gen/twinstate/alert/v1/service_pb.js";
import { file_twinstate_alert_v1_silence } from "./gen/twinstate/alert/v1/silence_pb.js";
import { file_twinstate_drift_v1_detector_state } from "./gen/twinstate/drift/v1/detector_state_pb.js";
import { file_twinstate_drift_v1_drift_event } from "./gen/twinstate/drift/v1/drift_event_pb.js";
import { DriftService, file_twinstate_drift_v1_service } from "./gen/twinstate/drift/v1/service_pb.js";
import { file_twinstate_telemetry_v1_data_contract } from "./gen/twinstate/telemetry/v1/data_contract_pb.js";
import { file_twinstate_telemetry_v1_dead_letter } from "./gen/twinstate/telemetry/v1/dead_letter_pb.js";
import { file_twinstate_telemetry_v1_reading } from "./gen/twinstate/telemetry/v1/reading_pb.js";
import { file_twinstate_telemetry_v1_service, IngestService } from "./gen/twinstate/telemetry/v1/service_pb.js";
import { file_twinstate_telemetry_v1_source_position } from "./gen/twinstate/telemetry/v1/source_position_pb.js";
import { file_twinstate_telemetry_v1_validated_reading } from "./gen/twinstate/telemetry/v1/validated_reading_pb.js";
import { file_twinstate_twin_v1_checkpoint } from "./gen/twinstate/twin/v1/checkpoint_pb.js";
import { file_twinstate_twin_v1_definition } from "./gen/twinstate/twin/v1/definition_pb.js";
import { file_twinstate_twin_v1_estimate } from "./gen/twinstate/twin/v1/estimate_pb.js";
import { file_twinstate_twin_v1_forecast } from "./gen/twinstate/twin/v1/forecast_pb.js";
import { file_twinstate_twin_v1_service, TwinService } from "./gen/twinstate/twin/v1/service_pb.js";

/**
 * Every generated twinstate file descriptor (not the google/protobuf ones they import).
 *
 * Why: tests iterate over them so a new message is covered automatically, and the gRPC server
 * builds its reflection answers from them. The round-trip test fails when a generated file
 * under src/gen is missing from this list.
 */
export const twinstateFiles: readonly GenFile[] = [
  file_twinstate_telemetry_v1_reading,
  file_twinstate_telemetry_v1_source_position,
  file_twinstate_telemetry_v1_validated_reading,
  file_twinstate_telemetry_v1_dead_letter,
  file_twinstate_telemetry_v1_data_contract,
  file_twinstate_telemetry_v1_service,
  file_twinstate_twin_v1_estimate,
  file_twinstate_twin_v1_checkpoint,
  file_twinstate_twin_v1_definition,
  file_twinstate_twin_v1_forecast,
  file_twinstate_twin_v1_service,
  file_twinstate_drift_v1_drift_event,
  file_twinstate_drift_v1_detector_state,
  file_twinstate_drift_v1_service,
  file_twinstate_alert_v1_alert,
  file_twinstate_alert_v1_silence,
  file_twinstate_alert_v1_service,
];

/**
 * The four gRPC services of twinstate, one per area.
 *
 * Why: a process serving several of them (tests, the all-in-one dev server) registers them by
 * iterating this list, and reflection lists exactly these.
 */
export const twinstateServices: readonly DescService[] = [IngestService, TwinService, DriftService, AlertService];
