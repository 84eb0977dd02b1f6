package dev.edgegateway.cache;

/** Which store answered a read. */
public enum CacheTier {
  /** In-process memory. */
  L1,
  /** The shared store (Redis). */
  L2
}
