import { describe, expect, test } from "@jest/globals";
import { CANONICAL_UNIT, convertValue, UNIT_DEFINITIONS, UnitRegistry, unitConversion } from "../src/units/index.ts";

const units = new UnitRegistry();
function toCanonical(symbol: string, value: number): number {
  const from = units.resolve(symbol);
  if (from === undefined) throw new Error(`unknown ${symbol}`);
  return convertValue(unitConversion(from, units.canonicalOf(from.dimension))!, value);
}
function convert(from: string, to: string, value: number): number {
  return convertValue(unitConversion(units.resolve(from)!, units.resolve(to)!)!, value);
}

describe("unit table", () => {
  test("affine temperature conversions are exact at the reference points", () => {
    expect(toCanonical("°C", 0)).toBe(273.15);
    expect(toCanonical("°C", 100)).toBe(373.15);
    expect(toCanonical("°C", -273.15)).toBe(0);
    expect(toCanonical("°F", 32)).toBe(273.15);
    expect(toCanonical("°F", 212)).toBe(373.15);
    expect(toCanonical("°F", -459.67)).toBe(0);
    // −40 is the same temperature on both scales: bit-identical results
    expect(toCanonical("°F", -40)).toBe(toCanonical("°C", -40));
    expect(toCanonical("°R", 491.67)).toBe(273.15);
    expect(convert("°C", "°F", 100)).toBe(212);
    expect(convert("°F", "°C", 212)).toBe(100);
    expect(convert("°F", "°C", 32)).toBe(0);
    expect(convert("K", "°C", 273.15)).toBe(0);
  });

  test("scaled conversions use the defined factors", () => {
    expect(toCanonical("kPa", 101.325)).toBe(101325);
    expect(toCanonical("bar", 1)).toBe(1e5);
    expect(toCanonical("psi", 1)).toBeCloseTo(6894.757293168361, 9);
    expect(toCanonical("mA", 1500)).toBe(1.5);
    expect(toCanonical("%", 50)).toBe(0.5);
    expect(toCanonical("km/h", 36)).toBe(10);
    expect(toCanonical("mph", 1)).toBe(0.44704);
    expect(toCanonical("kWh", 1)).toBe(3.6e6);
    expect(toCanonical("mAh", 1000)).toBe(3600);
    expect(toCanonical("L/min", 60)).toBeCloseTo(0.001, 15);
    expect(toCanonical("rpm", 60)).toBeCloseTo(2 * Math.PI, 12);
    expect(convert("bar", "psi", 1)).toBeCloseTo(14.503773773, 8);
  });

  test("aliases, UCUM codes and Unicode variants resolve to the same unit", () => {
    const same = [
      ["°C", "degC", "Cel", "celsius", "℃"],
      ["°F", "degF", "[degF]", "℉"],
      ["µA", "uA", "μA"],
      ["Ω", "ohm", "Ω"],
      ["psi", "[psi]"],
      ["Wh", "W.h", "W·h"],
      ["m/s²", "m/s2", "m/s^2"],
    ];
    for (const group of same) {
      const first = units.resolve(group[0]!);
      expect(first).toBeDefined();
      for (const alias of group) expect(units.resolve(alias)).toBe(first);
    }
  });

  test("lookup is exact and case-sensitive: no guessing", () => {
    expect(units.resolve("mA")?.symbol).toBe("mA");
    expect(units.resolve("MA")).toBeUndefined();
    expect(units.resolve("KPA")).toBeUndefined();
    expect(units.resolve(" K")).toBeUndefined();
    expect(units.resolve("degrees celsius")).toBeUndefined();
    expect(units.resolve("")).toBeUndefined();
  });

  test("units of different dimensions do not convert", () => {
    expect(unitConversion(units.resolve("K")!, units.resolve("Pa")!)).toBeUndefined();
    expect(unitConversion(units.resolve("A")!, units.resolve("V")!)).toBeUndefined();
  });

  test("every dimension's canonical unit is in the table with the identity map", () => {
    for (const symbol of Object.values(CANONICAL_UNIT)) {
      const def = units.resolve(symbol);
      expect(def).toBeDefined();
      expect([def!.preOffset, def!.numerator, def!.denominator, def!.postOffset]).toEqual([0, 1, 1, 0]);
    }
  });

  test("every unit round-trips through its canonical unit", () => {
    for (const def of UNIT_DEFINITIONS) {
      const canonical = units.canonicalOf(def.dimension);
      for (const v of [-12.5, 0, 1, 37, 1234.5678]) {
        const there = convertValue(unitConversion(def, canonical)!, v);
        const back = convertValue(unitConversion(canonical, def)!, there);
        expect(back).toBeCloseTo(v, 9);
      }
    }
  });

  test("a table with one key naming two units is refused", () => {
    const a = UNIT_DEFINITIONS[0]!;
    expect(() => new UnitRegistry([a, { ...a, symbol: "X", aliases: [a.symbol] }])).toThrow(/names both/);
  });
});
