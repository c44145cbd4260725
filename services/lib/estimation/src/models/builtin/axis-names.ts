/** Axis names used by the kinematic models, in state order. */
export const AXES = ["x", "y", "z"] as const;

/** Number of spatial axes a kinematic model tracks. */
export type Dimensions = 1 | 2 | 3;

/** Reject anything but 1, 2 or 3 axes. */
export function checkDimensions(model: string, dimensions: number): asserts dimensions is Dimensions {
  if (dimensions !== 1 && dimensions !== 2 && dimensions !== 3) {
    throw new RangeError(`${model}: dimensions must be 1, 2 or 3, got ${dimensions}`);
  }
}
