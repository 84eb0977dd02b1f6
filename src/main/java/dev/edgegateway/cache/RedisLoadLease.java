package dev.edgegateway.cache;

import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

/**
 * {@link LoadLease} in Redis, on the shared {@link RedisBackend}: the lease on cache key {@code k} is the
 * string {@code <prefix>lease:{<prefix><k>}} (same cluster slot as the entry) holding a random token, taken with {@code SET ... NX PX <ttlMs>}, checked
 * with {@code EXISTS} and released with a Lua script that deletes it only while it still holds our token
 * (a plain GET then DEL could delete a lease another gateway took after ours expired). Every command is
 * bounded by the backend's command timeout and fails at once while Redis is down, so a sick Redis means no
 * lease, never a wait. Commands are counted under {@code edge_redis_commands_total{command=lease_acquire|
 * lease_check|lease_release}}.
 */
public final class RedisLoadLease implements LoadLease {
  /** Deletes KEYS[1] only if it still holds ARGV[1]; returns 1 when deleted, 0 otherwise. */
  static final String RELEASE_SCRIPT =
      "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end";
  static final String LEASE_NAMESPACE = "lease:";

  private final RedisBackend backend;
  private final LeaseOptions options;

  public RedisLoadLease(RedisBackend backend, LeaseOptions options) {
    this.backend = backend;
    this.options = options;
  }

  /**
   * The full Redis key of the lease on a cache key: {@code <prefix>lease:{<prefix><key>}}, whose hash tag is the
   * entry's own key, so that on a cluster the lease lives in the entry's slot (one node answers both).
   */
  public String leaseKey(String key) {
    return RedisSlots.companion(backend.key(LEASE_NAMESPACE), backend.key(key));
  }

  @Override
  public Future<Optional<Lease>> tryAcquire(String key, long ttlMs) {
    String leaseKey = leaseKey(key);
    String token = newToken();
    Request set = Request.cmd(Command.SET).arg(leaseKey).arg(token).arg("NX").arg("PX").arg(Math.max(1, ttlMs));
    return backend.send("lease_acquire", set).map(reply ->
        // nil: somebody holds it; OK: ours
        reply == null ? Optional.<Lease>empty() : Optional.of(new RedisLease(key, leaseKey, token)));
  }

  @Override
  public Future<Boolean> isHeld(String key) {
    return backend.send("lease_check", Request.cmd(Command.EXISTS).arg(leaseKey(key)))
        .map(reply -> reply != null && reply.toLong() > 0);
  }

  @Override
  public LeaseOptions options() {
    return options;
  }

  private static String newToken() {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    return Long.toHexString(random.nextLong()) + Long.toHexString(random.nextLong());
  }

  private final class RedisLease implements Lease {
    private final String key;
    private final String leaseKey;
    private final String token;

    RedisLease(String key, String leaseKey, String token) {
      this.key = key;
      this.leaseKey = leaseKey;
      this.token = token;
    }

    @Override
    public String key() {
      return key;
    }

    @Override
    public Future<Boolean> release() {
      Request eval = Request.cmd(Command.EVAL).arg(RELEASE_SCRIPT).arg(1).arg(leaseKey).arg(token);
      return backend.send("lease_release", eval).map(reply -> reply != null && reply.toLong() == 1);
    }

    @Override
    public String toString() {
      return "RedisLease"; // neither the key nor the token is ever logged
    }
  }
}
