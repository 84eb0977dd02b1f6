package dev.edgegateway.cache;

import static org.assertj.core.api.Assertions.assertThat;

import dev.edgegateway.config.ConfigReader;
import dev.edgegateway.config.Settings;
import dev.edgegateway.flow.Deadline;
import dev.edgegateway.flow.Outcome;
import dev.edgegateway.flow.OutcomeException;
import dev.edgegateway.metrics.Metrics;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The Redis load lease, and read-through caches of two "gateways" (each its own L1 and single-flight, one
 * Redis) loading under it, with loads completed by hand.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class LoadLeaseTest {
  private static final long WAIT_MS = 200;
  private static final long POLL_MS = 10;

  private Vertx vertx;
  private String prefix;
  private RedisBackend backend;
  private RedisLoadLease lease;
  private final AtomicInteger loadsA = new AtomicInteger();
  private final AtomicInteger loadsB = new AtomicInteger();
  private final List<Promise<CacheEntry<String>>> pendingA = new CopyOnWriteArrayList<>();
  private final List<Promise<CacheEntry<String>>> pendingB = new CopyOnWriteArrayList<>();

  /** The Redis under test: the local server here, a cluster in {@link RedisClusterLoadLeaseTest}. */
  protected RedisBackend newBackend(Vertx vertx, String prefix) throws Exception {
    return RedisTestSupport.backendOrSkip(vertx, prefix);
  }

  @BeforeEach
  void setUp(Vertx vertx) throws Exception {
    this.vertx = vertx;
    this.prefix = RedisTestSupport.uniquePrefix();
    this.backend = newBackend(vertx, prefix);
    this.lease = new RedisLoadLease(backend, LeaseOptions.from(ConfigReader.defaults()
        .with(Settings.CACHE_LEASE_TTL_MS, 5_000).with(Settings.CACHE_LEASE_WAIT_MS, WAIT_MS)
        .with(Settings.CACHE_LEASE_POLL_MS, POLL_MS)));
  }

  @AfterEach
  void tearDown(VertxTestContext ctx) {
    RedisTestSupport.deleteByPrefix(backend, prefix).eventually(backend::close).onComplete(ctx.succeedingThenComplete());
  }

  /** One gateway's read-through cache: its own L1 and flights, the shared Redis and lease. */
  private ReadThroughCache<String> gateway(String name, LoadLease lease) {
    RedisCache<String> l2 = new RedisCache<>(vertx, name, backend, ValueCodecs.string(), lease);
    TieredCache<String> tiered = new TieredCache<>(vertx, name, new MemoryCache<>(MemoryCacheOptions.defaults()), l2);
    return new ReadThroughCache<>(vertx, name, tiered, SingleFlightOptions.defaults());
  }

  private static Function<Deadline, Future<CacheEntry<String>>> controlled(AtomicInteger loads,
      List<Promise<CacheEntry<String>>> pending) {
    return deadline -> {
      loads.incrementAndGet();
      Promise<CacheEntry<String>> p = Promise.promise();
      pending.add(p);
      return p.future();
    };
  }

  private double leaseCount(String cache, String result) {
    return Metrics.of(vertx).counter("edge_cache_lease_total", "cache", cache, "result", result).count();
  }

  /** Lease checks sent by the waiters of this test (one per look). */
  private double leaseLooks() {
    return Metrics.of(vertx).counter("edge_redis_commands_total", "client", backend.options().clientName(),
        "command", "lease_check", "result", "ok").count();
  }

  private static CacheEntry<String> fresh(String value) {
    return CacheEntry.of(value, 60_000, 60_000, 60_000);
  }

  private Future<String> rawGet(String fullKey) {
    return backend.send("get", Request.cmd(Command.GET).arg(fullKey)).map(r -> r == null ? null : r.toString());
  }

  @Test
  void theLeaseIsExclusiveExpiresAndIsReleasedOnlyByItsHolder(VertxTestContext ctx) {
    String leaseKey = lease.leaseKey("seg:k");
    // hash-tagged with the entry's key: on a cluster, the lease and the entry live in one slot
    assertThat(leaseKey).isEqualTo(prefix + "lease:{" + prefix + "seg:k}");
    assertThat(RedisSlots.slot(leaseKey)).isEqualTo(RedisSlots.slot(backend.key("seg:k")));
    lease.tryAcquire("seg:k", 5_000).compose(first -> {
      ctx.verify(() -> assertThat(first).isPresent());
      return lease.tryAcquire("seg:k", 5_000).compose(second -> {
        ctx.verify(() -> assertThat(second).as("held by the first").isEmpty());
        return RedisTestSupport.pttl(backend, leaseKey);
      }).compose(pttl -> {
        ctx.verify(() -> assertThat(pttl).isBetween(1L, 5_000L));
        return lease.isHeld("seg:k");
      }).compose(held -> {
        ctx.verify(() -> assertThat(held).isTrue());
        return first.get().release();
      }).compose(released -> {
        ctx.verify(() -> assertThat(released).isTrue());
        return first.get().release();
      }).compose(again -> {
        ctx.verify(() -> assertThat(again).as("nothing left to release").isFalse());
        return lease.isHeld("seg:k");
      });
    }).compose(held -> {
      ctx.verify(() -> assertThat(held).isFalse());
      // a lease that expired and was taken by another gateway is not ours to delete
      return lease.tryAcquire("seg:k", 5_000).compose(mine -> backend.send("set",
              Request.cmd(Command.SET).arg(leaseKey).arg("someone-else").arg("PX").arg(5_000))
          .compose(v -> mine.orElseThrow().release()));
    }).compose(released -> {
      ctx.verify(() -> assertThat(released).isFalse());
      return rawGet(leaseKey);
    }).onComplete(ctx.succeeding(value -> ctx.verify(() -> {
      assertThat(value).isEqualTo("someone-else");
      ctx.completeNow();
    })));
  }

  @Test
  void twoGatewaysMissingTogetherLoadOnceAndTheWaiterReadsTheHoldersValue(VertxTestContext ctx) {
    ReadThroughCache<String> a = gateway("leaseA", lease);
    ReadThroughCache<String> b = gateway("leaseB", lease);
    vertx.runOnContext(v -> {
      Future<Loaded<String>> onA = a.get("seg:k", Deadline.in(5_000), controlled(loadsA, pendingA));
      // B starts once A holds the lease
      dev.edgegateway.Awaits.until(vertx, () -> loadsA.get() == 1, 5_000, 2).compose(x -> {
        Future<Loaded<String>> onB = b.get("seg:k", Deadline.in(5_000), controlled(loadsB, pendingB));
        // B is waiting, not loading: it has looked at the lease a few times, then A finishes
        return dev.edgegateway.Awaits.until(vertx, () -> leaseLooks() >= 3, 5_000, 2).compose(y -> {
          ctx.verify(() -> assertThat(loadsB).hasValue(0));
          pendingA.get(0).complete(fresh("segs"));
          return Future.all(onA, onB);
        });
      }).compose(both -> lease.isHeld("seg:k").map(held -> {
        ctx.verify(() -> {
          Loaded<String> fromA = both.resultAt(0);
          Loaded<String> fromB = both.resultAt(1);
          assertThat(fromA.value()).isEqualTo("segs");
          assertThat(fromB.value()).isEqualTo("segs");
          assertThat(loadsA).hasValue(1);
          assertThat(loadsB).hasValue(0);
          assertThat(leaseCount("leaseA", "acquired")).isEqualTo(1);
          assertThat(leaseCount("leaseB", "waited_hit")).isEqualTo(1);
          assertThat(leaseCount("leaseB", "waited_fallback")).isZero();
          assertThat(held).as("released after the store write").isFalse();
        });
        return held;
      })).onComplete(ctx.succeedingThenComplete());
    });
  }

  @Test
  void aHolderThatNeverWritesCostsAWaiterAtMostTheWaitThenItLoadsItself(VertxTestContext ctx) {
    ReadThroughCache<String> b = gateway("leaseDead", lease);
    long[] started = new long[1];
    // a gateway that took the lease and died: a foreign token, for far longer than the wait
    backend.send("set", Request.cmd(Command.SET).arg(lease.leaseKey("seg:k")).arg("dead-gateway").arg("NX").arg("PX").arg(30_000))
        .compose(v -> {
          started[0] = System.nanoTime();
          Future<Loaded<String>> onB = b.get("seg:k", Deadline.in(5_000), controlled(loadsB, pendingB));
          return dev.edgegateway.Awaits.until(vertx, () -> loadsB.get() == 1, 5_000, 2).compose(x -> {
            long waitedMs = (System.nanoTime() - started[0]) / 1_000_000;
            ctx.verify(() -> assertThat(waitedMs).isBetween(WAIT_MS - 5, WAIT_MS + 300));
            pendingB.get(0).complete(fresh("own"));
            return onB;
          });
        })
        .onComplete(ctx.succeeding(loaded -> ctx.verify(() -> {
          assertThat(loaded.value()).isEqualTo("own");
          assertThat(loadsB).hasValue(1);
          assertThat(leaseCount("leaseDead", "waited_fallback")).isEqualTo(1);
          assertThat(leaseCount("leaseDead", "acquired")).isZero();
          ctx.completeNow();
        })));
  }

  @Test
  void aHolderWhoseLoadFailsReleasesAndTheWaiterLoadsAtOnce(VertxTestContext ctx) {
    ReadThroughCache<String> a = gateway("leaseFailA", lease);
    ReadThroughCache<String> b = gateway("leaseFailB", lease);
    vertx.runOnContext(v -> {
      Future<Loaded<String>> onA = a.get("seg:k", Deadline.in(5_000), controlled(loadsA, pendingA));
      dev.edgegateway.Awaits.until(vertx, () -> loadsA.get() == 1, 5_000, 2).compose(x -> {
        Future<Loaded<String>> onB = b.get("seg:k", Deadline.in(5_000), controlled(loadsB, pendingB));
        long[] failedAt = new long[1];
        // once B is waiting (it has looked at the lease), A's load fails
        return dev.edgegateway.Awaits.until(vertx, () -> leaseLooks() >= 1, 5_000, 2).compose(w -> {
          failedAt[0] = System.nanoTime();
          pendingA.get(0).fail(new OutcomeException(Outcome.UPSTREAM_ERROR, "klevu 503"));
          return dev.edgegateway.Awaits.until(vertx, () -> loadsB.get() == 1, 5_000, 2);
        }).compose(y -> {
          long tookMs = (System.nanoTime() - failedAt[0]) / 1_000_000;
          // the lease went away with the failure: B did not sit out the whole wait
          ctx.verify(() -> assertThat(tookMs).isLessThan(WAIT_MS));
          pendingB.get(0).complete(fresh("from-b"));
          return Future.join(onA, onB);
        });
      }).onComplete(ar -> ctx.verify(() -> {
        assertThat(onA.failed()).isTrue();
        assertThat(OutcomeException.outcomeOf(onA.cause())).isEqualTo(Outcome.UPSTREAM_ERROR);
        assertThat(loadsB).hasValue(1);
        assertThat(leaseCount("leaseFailB", "waited_fallback")).isEqualTo(1);
        ctx.completeNow();
      }));
    });
  }

  @Test
  void redisDownMeansNoLeaseAndTheLoadGoesAhead(VertxTestContext ctx) {
    // a backend of its own, closed: every command fails at once, as while Redis is down
    RedisBackend dead = RedisBackend.create(vertx, RedisCacheOptions.from(ConfigReader.defaults()
        .with(Settings.REDIS_URL, RedisTestSupport.URL)
        .with(Settings.REDIS_KEY_PREFIX, prefix).with(Settings.REDIS_CLIENT_NAME, "lease-dead")));
    RedisLoadLease deadLease = new RedisLoadLease(dead, LeaseOptions.from(ConfigReader.defaults()
        .with(Settings.CACHE_LEASE_WAIT_MS, WAIT_MS).with(Settings.CACHE_LEASE_POLL_MS, POLL_MS)));
    RedisCache<String> l2 = new RedisCache<>(vertx, "leaseDown", dead, ValueCodecs.string(), deadLease);
    ReadThroughCache<String> cache = new ReadThroughCache<>(vertx, "leaseDown",
        new TieredCache<>(vertx, "leaseDown", new MemoryCache<>(MemoryCacheOptions.defaults()), l2), SingleFlightOptions.defaults());
    assertThat(cache.lease()).isSameAs(deadLease);
    dead.close().compose(v -> {
      long started = System.nanoTime();
      Future<Loaded<String>> loaded = cache.get("seg:k", Deadline.in(5_000), controlled(loadsA, pendingA));
      return dev.edgegateway.Awaits.until(vertx, () -> loadsA.get() == 1, 5_000, 2).compose(x -> {
        ctx.verify(() -> assertThat((System.nanoTime() - started) / 1_000_000).as("no wait").isLessThan(WAIT_MS));
        pendingA.get(0).complete(fresh("direct"));
        return loaded;
      });
    }).onComplete(ctx.succeeding(loaded -> ctx.verify(() -> {
      assertThat(loaded.value()).isEqualTo("direct");
      assertThat(leaseCount("leaseDown", "unavailable")).isEqualTo(1);
      assertThat(leaseCount("leaseDown", "acquired") + leaseCount("leaseDown", "waited_fallback")).isZero();
      ctx.completeNow();
    })));
  }

  @Test
  void onlyRedisBackedCachesHaveALeaseAndItCanBeSwitchedOff(VertxTestContext ctx) {
    ReadThroughCache<String> memory = new ReadThroughCache<>(vertx, "leaseMem",
        new MemoryCache<>(MemoryCacheOptions.defaults()), SingleFlightOptions.defaults());
    assertThat(memory.lease().isEnabled()).isFalse();
    assertThat(new CacheFactory(vertx, new JsonObject()).lease().isEnabled()).isFalse();
    JsonObject redis = new JsonObject().put("connectionString", RedisTestSupport.URL).put("keyPrefix", prefix);
    CacheFactory on = new CacheFactory(vertx, new JsonObject().put("redis", redis.copy().put("clientName", "lease-on"))
        .put("lease", new JsonObject().put("waitMs", 120)));
    CacheFactory off = new CacheFactory(vertx, new JsonObject().put("redis", redis.copy().put("clientName", "lease-off"))
        .put("lease", new JsonObject().put("enabled", false)));
    Cache<String> leased = on.create("segments", ValueCodecs.string());
    assertThat(leased.loadLease()).isInstanceOf(RedisLoadLease.class);
    assertThat(leased.loadLease().options().waitMs()).isEqualTo(120);
    assertThat(new ReadThroughCache<>(vertx, "leaseOn", leased, SingleFlightOptions.defaults()).lease().isEnabled()).isTrue();
    assertThat(off.create("segments", ValueCodecs.string()).loadLease().isEnabled()).isFalse();
    Future.all(on.close(), off.close()).onComplete(ctx.succeedingThenComplete());
  }
}
