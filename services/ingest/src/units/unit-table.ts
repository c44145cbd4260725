/**
 * The table of physical units the ingest service understands, each with its dimension and its affine map to
 * the dimension's canonical (SI base or derived) unit.
 *
 * Why a table and not a units library: the hot path converts hundreds of thousands of readings per second, and
 * only needs `canonical = (value + preOffset) · numerator / denominator + postOffset` per unit. Keeping numerator and
 * denominator separate, and writing °F relative to the ice point (`K = (F − 32) · 5 / 9 + 273.15`), makes the
 * affine temperature scales exact wherever the Celsius value is: 32 °F gives 273.15 K and 212 °F gives 373.15 K
 * exactly, where `(F + 459.67) · 5 / 9` would give 373.15000000000003. Lookups go through an
 * exact-key `Map` of symbols and aliases, never through pattern matching; symbols are case-sensitive
 * (`mA` is milliampere, `MA` would be megaampere) and Unicode-normalized (NFKC) before lookup, so `℃` and `°C`
 * are the same key. The UCUM codes of the units (`Cel`, `[degF]`, `[psi]`, `mm[Hg]`, `W.h`, …) are aliases, because
 * SensorReading.unit is specified as a UCUM code.
 */

/** The physical dimension of a unit; two units convert into each other only when their dimensions are equal. */
export type Dimension =
  | "temperature"
  | "pressure"
  | "current"
  | "voltage"
  | "ratio"
  | "speed"
  | "length"
  | "mass"
  | "time"
  | "frequency"
  | "angle"
  | "angular_velocity"
  | "acceleration"
  | "power"
  | "energy"
  | "charge"
  | "resistance"
  | "volume"
  | "volumetric_flow";

/**
 * One unit: `canonical = (value + preOffset) · numerator / denominator + postOffset`, in the dimension's
 * canonical unit.
 *
 * The offsets are non-zero only for the affine temperature scales (°C, °F).
 */
export interface UnitDefinition {
  /** The preferred symbol, as written in contracts and error messages. */
  readonly symbol: string;
  readonly dimension: Dimension;
  /** Added to the value before scaling, in this unit. */
  readonly preOffset: number;
  readonly numerator: number;
  readonly denominator: number;
  /** Added after scaling, in the canonical unit. */
  readonly postOffset: number;
  /** Other spellings that name the same unit (exact keys, after NFKC normalization). */
  readonly aliases: readonly string[];
}

/** The canonical unit symbol of each dimension: values are stored and range-checked in these. */
export const CANONICAL_UNIT: Readonly<Record<Dimension, string>> = {
  temperature: "K",
  pressure: "Pa",
  current: "A",
  voltage: "V",
  ratio: "1",
  speed: "m/s",
  length: "m",
  mass: "kg",
  time: "s",
  frequency: "Hz",
  angle: "rad",
  angular_velocity: "rad/s",
  acceleration: "m/s²",
  power: "W",
  energy: "J",
  charge: "C",
  resistance: "Ω",
  volume: "m³",
  volumetric_flow: "m³/s",
};

function u(
  symbol: string,
  dimension: Dimension,
  numerator: number,
  aliases: readonly string[] = [],
  denominator = 1,
  preOffset = 0,
  postOffset = 0,
): UnitDefinition {
  return { symbol, dimension, preOffset, numerator, denominator, postOffset, aliases };
}

/** Every unit the service knows. Scales are the exact defined values (NIST SP 811 appendix B). */
export const UNIT_DEFINITIONS: readonly UnitDefinition[] = [
  // temperature: K canonical; affine scales
  u("K", "temperature", 1, ["kelvin"]),
  u("°C", "temperature", 1, ["degC", "celsius", "Cel"], 1, 0, 273.15),
  u("°F", "temperature", 5, ["degF", "[degF]", "fahrenheit"], 9, -32, 273.15),
  u("°R", "temperature", 5, ["degR", "[degR]", "rankine"], 9),
  // pressure: Pa
  u("Pa", "pressure", 1, ["pascal"]),
  u("hPa", "pressure", 100),
  u("kPa", "pressure", 1000),
  u("MPa", "pressure", 1e6),
  u("bar", "pressure", 1e5),
  u("mbar", "pressure", 100),
  u("psi", "pressure", 6894.757293168361, ["[psi]", "lbf/in²", "lbf/in2"]),
  u("atm", "pressure", 101325),
  u("Torr", "pressure", 101325, ["torr"], 760),
  u("mmHg", "pressure", 133.322387415, ["mm[Hg]"]),
  // current: A
  u("A", "current", 1, ["ampere", "amp"]),
  u("mA", "current", 1, [], 1000),
  u("µA", "current", 1, ["uA"], 1e6),
  u("kA", "current", 1000),
  // voltage: V
  u("V", "voltage", 1, ["volt"]),
  u("mV", "voltage", 1, [], 1000),
  u("µV", "voltage", 1, ["uV"], 1e6),
  u("kV", "voltage", 1000),
  // ratio: 1
  u("1", "ratio", 1, ["ratio", "fraction"]),
  u("%", "ratio", 1, ["percent", "pct"], 100),
  u("‰", "ratio", 1, ["permille", "[ppth]"], 1000),
  u("ppm", "ratio", 1, ["[ppm]"], 1e6),
  // speed: m/s
  u("m/s", "speed", 1, ["m s-1", "m·s⁻¹"]),
  u("km/h", "speed", 1000, ["kph", "km h-1"], 3600),
  u("mph", "speed", 0.44704, ["mi/h", "[mi_i]/h"]),
  u("kn", "speed", 1852, ["knot", "kt", "[kn_i]"], 3600),
  u("ft/s", "speed", 0.3048, ["fps", "[ft_i]/s"]),
  // length: m
  u("m", "length", 1, ["metre", "meter"]),
  u("km", "length", 1000),
  u("cm", "length", 1, [], 100),
  u("mm", "length", 1, [], 1000),
  u("µm", "length", 1, ["um"], 1e6),
  u("in", "length", 0.0254, ["inch", "[in_i]"]),
  u("ft", "length", 0.3048, ["foot", "feet", "[ft_i]"]),
  u("mi", "length", 1609.344, ["mile", "[mi_i]"]),
  // mass: kg
  u("kg", "mass", 1, ["kilogram"]),
  u("g", "mass", 1, ["gram"], 1000),
  u("mg", "mass", 1, [], 1e6),
  u("t", "mass", 1000, ["tonne"]),
  u("lb", "mass", 0.45359237, ["lbs", "pound", "[lb_av]"]),
  // time: s
  u("s", "time", 1, ["sec", "second"]),
  u("ms", "time", 1, [], 1000),
  u("µs", "time", 1, ["us"], 1e6),
  u("ns", "time", 1, [], 1e9),
  u("min", "time", 60),
  u("h", "time", 3600, ["hr", "hour"]),
  // frequency: Hz
  u("Hz", "frequency", 1, ["hertz", "1/s"]),
  u("kHz", "frequency", 1000),
  u("MHz", "frequency", 1e6),
  // angle: rad
  u("rad", "angle", 1, ["radian"]),
  u("deg", "angle", Math.PI, ["°", "degree"], 180),
  // angular velocity: rad/s
  u("rad/s", "angular_velocity", 1),
  u("rpm", "angular_velocity", 2 * Math.PI, ["r/min", "rev/min", "{rev}/min"], 60),
  u("deg/s", "angular_velocity", Math.PI, ["°/s"], 180),
  // acceleration: m/s²
  u("m/s²", "acceleration", 1, ["m/s2", "m/s^2", "m s-2"]),
  u("gn", "acceleration", 9.80665, ["g0", "[g]"]),
  // power: W
  u("W", "power", 1, ["watt"]),
  u("mW", "power", 1, [], 1000),
  u("kW", "power", 1000),
  u("MW", "power", 1e6),
  // energy: J
  u("J", "energy", 1, ["joule"]),
  u("kJ", "energy", 1000),
  u("MJ", "energy", 1e6),
  u("Wh", "energy", 3600, ["W·h", "W.h", "W h"]),
  u("kWh", "energy", 3.6e6, ["kW·h", "kW.h", "kW h"]),
  // charge: C
  u("C", "charge", 1, ["coulomb"]),
  u("Ah", "charge", 3600, ["A·h", "A.h", "A h"]),
  u("mAh", "charge", 3.6, ["mA·h", "mA.h", "mA h"]),
  // resistance: Ω
  u("Ω", "resistance", 1, ["ohm", "Ohm"]),
  u("mΩ", "resistance", 1, ["mohm", "mOhm"], 1000),
  u("kΩ", "resistance", 1000, ["kohm", "kOhm"]),
  // volume: m³
  u("m³", "volume", 1, ["m3", "m^3"]),
  u("L", "volume", 1, ["l", "litre", "liter"], 1000),
  u("mL", "volume", 1, ["ml"], 1e6),
  // volumetric flow: m³/s
  u("m³/s", "volumetric_flow", 1, ["m3/s"]),
  u("m³/h", "volumetric_flow", 1, ["m3/h"], 3600),
  u("L/s", "volumetric_flow", 1, ["l/s"], 1000),
  u("L/min", "volumetric_flow", 1, ["l/min", "lpm"], 60000),
];
