/**
 * The states a service goes through, in order: `starting` (hooks being registered and run) → `running` →
 * `stopping` (draining) → `stopped`.
 */
export const lifecycleStates = ["starting", "running", "stopping", "stopped"] as const;

/** One of {@link lifecycleStates}. */
export type LifecycleState = (typeof lifecycleStates)[number];
