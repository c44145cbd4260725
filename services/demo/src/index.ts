// @twinstate/demo — the public API: the simulated fleet and its parts, for tests and other tools.
export { type DemoConfig, demoConfigSchema, demoEnvBindings, loadDemoConfig } from "./config/demo-config.ts";
export { type BadInputKind, BadInputKinds, corruptReading, MALFORMED_PAYLOAD } from "./faults/bad-input.ts";
export { type ActiveFault, FaultInjector, type FaultInjectorOptions } from "./faults/fault-injector.ts";
export { type FaultKind, FaultKinds } from "./faults/fault-kind.ts";
export { DemoMetrics } from "./publish/demo-metrics.ts";
export { encodeReading, type ReadingFields } from "./publish/encode-reading.ts";
export { TickLoop, type TickLoopOptions } from "./publish/tick-loop.ts";
export { AssetSimulator, type AssetSimulatorOptions, type AssetSnapshot } from "./simulation/asset-simulator.ts";
export type { ClassProfile, InputSensor } from "./simulation/class-profile.ts";
export {
  DemoFleet,
  type DemoFleetOptions,
  type FleetSnapshot,
  type OutgoingReading,
  type ReadingKind,
} from "./simulation/demo-fleet.ts";
export { cellProfile, demoProfiles, ovenProfile, pendulumProfile, vehicleProfile } from "./simulation/demo-profiles.ts";
export type { SimulatedReading } from "./simulation/simulated-reading.ts";
export { TruthProcess } from "./simulation/truth-process.ts";
