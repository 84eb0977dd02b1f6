package dev.edgegateway.cache;

import io.vertx.core.Future;

/** A lease this process holds on one key (see {@link LoadLease}). */
public interface Lease {

  /** The cache key the lease is on. */
  String key();

  /**
   * Gives the lease up, if it is still ours (it may have expired and been taken by another process, which
   * keeps it). Succeeds with whether ours was removed; a failure is harmless, the lease then expires.
   */
  Future<Boolean> release();
}
