/**
 * The sensor faults the demo injects into an asset's primary sensor, the ones the drift detectors are for:
 * a bias step (calibration shift), a stuck sensor (frozen value) and a noise burst (loose connector).
 */
export const FaultKinds = ["bias", "stuck", "noise"] as const;

/** One of {@link FaultKinds}. */
export type FaultKind = (typeof FaultKinds)[number];
