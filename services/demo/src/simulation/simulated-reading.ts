/**
 * One measurement a simulated asset produced, before any nuisance (bad input, lateness) is applied: the
 * sensor name as in the twin definition and data contract, the value in `unit`, and the event time.
 */
export interface SimulatedReading {
  readonly sensor: string;
  /** A scalar, or the components of a vector sensor (e.g. GNSS [x, y]). */
  readonly value: number | readonly number[];
  /** UCUM unit code the value is expressed in. */
  readonly unit: string;
  /** Event time, epoch milliseconds. */
  readonly eventTimeMs: number;
  /** True for the measured sensor a twin assimilates; false for input sensors (heater power, current). */
  readonly primary: boolean;
}
