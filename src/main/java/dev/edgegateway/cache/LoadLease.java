package dev.edgegateway.cache;

import dev.edgegateway.config.ConfigReader;
import dev.edgegateway.config.Settings;
import io.vertx.core.Future;
import java.util.Optional;

/**
 * A short, shared "I am loading this key" marker, so that processes sharing one store (gateways sharing one
 * Redis) load a missing key once between them instead of once each. {@link SingleFlight} already makes a
 * process load a key once; the lease does the same across processes. {@link ReadThroughCache} uses it
 * inside its flight, after re-checking the store:
 * <ul>
 *   <li>lease taken: load, store, then {@link Lease#release()};</li>
 *   <li>lease held by another process: poll the store until the value appears, the lease goes away or the
 *       bounded wait ({@link LeaseOptions#waitMs()}) runs out, then load itself if nothing came;</li>
 *   <li>lease store unavailable (failed future): load without a lease (fail open).</li>
 * </ul>
 * A lease is advisory: a holder that dies costs the others at most one wait, and correctness never depends
 * on it. {@link #none()} is the lease of a store nobody else shares (memory): it never leases anything.
 */
public interface LoadLease {

  /**
   * Tries to take the lease on {@code key} for {@code ttlMs}. Succeeds with the lease when taken, empty when
   * another holder has it; fails when the lease store cannot answer (the caller then loads without one).
   */
  Future<Optional<Lease>> tryAcquire(String key, long ttlMs);

  /** Whether anybody (this process included) holds the lease on {@code key} now. Fails when it cannot tell. */
  Future<Boolean> isHeld(String key);

  /** Timing of the lease: how long it lives, how long and how often a loser waits. */
  LeaseOptions options();

  /** False for {@link #none()}: callers skip the lease altogether. */
  default boolean isEnabled() {
    return options().enabled();
  }

  /** The lease of an unshared store: disabled, never acquired. */
  static LoadLease none() {
    return NoLease.INSTANCE;
  }

  /** The do-nothing lease. */
  final class NoLease implements LoadLease {
    static final NoLease INSTANCE = new NoLease();
    private static final LeaseOptions OFF = LeaseOptions.from(ConfigReader.defaults().with(Settings.CACHE_LEASE_ENABLED, false));

    private NoLease() {
    }

    @Override
    public Future<Optional<Lease>> tryAcquire(String key, long ttlMs) {
      return Future.failedFuture(new UnsupportedOperationException("no lease on an unshared store"));
    }

    @Override
    public Future<Boolean> isHeld(String key) {
      return Future.succeededFuture(false);
    }

    @Override
    public LeaseOptions options() {
      return OFF;
    }
  }
}
