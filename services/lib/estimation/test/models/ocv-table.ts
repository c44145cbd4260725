/** A typical Li-ion OCV curve (NMC-like), soc fraction → volts. */
export const OCV_TABLE: [number, number][] = [
  [0, 3.0],
  [0.05, 3.3],
  [0.1, 3.45],
  [0.2, 3.55],
  [0.4, 3.65],
  [0.6, 3.8],
  [0.8, 3.95],
  [0.9, 4.05],
  [1, 4.2],
];
