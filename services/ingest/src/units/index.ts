export { convertValue, type UnitConversion, UnitRegistry, unitConversion } from "./unit-registry.ts";
export { CANONICAL_UNIT, type Dimension, UNIT_DEFINITIONS, type UnitDefinition } from "./unit-table.ts";
