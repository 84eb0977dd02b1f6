package dev.edgegateway.cache;

import static org.assertj.core.api.Assertions.assertThat;

import dev.edgegateway.flow.Deadline;
import dev.edgegateway.flow.Outcome;
import dev.edgegateway.flow.OutcomeException;
import dev.edgegateway.metrics.Metrics;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Read-through over a memory store, with loads completed by hand. */
@ExtendWith(VertxExtension.class)
class ReadThroughCacheTest {
  private Vertx vertx;
  private MemoryCache<String> store;
  private ReadThroughCache<String> cache;
  private final AtomicInteger loads = new AtomicInteger();
  private final List<Promise<CacheEntry<String>>> pending = new CopyOnWriteArrayList<>();

  @BeforeEach
  void setUp(Vertx vertx) {
    this.vertx = vertx;
    this.store = new MemoryCache<>(MemoryCacheOptions.defaults());
    this.cache = new ReadThroughCache<>(vertx, "rt", store, SingleFlightOptions.defaults());
  }

  private Function<Deadline, Future<CacheEntry<String>>> controlled() {
    return deadline -> {
      loads.incrementAndGet();
      Promise<CacheEntry<String>> p = Promise.promise();
      pending.add(p);
      return p.future();
    };
  }

  private static Deadline deadline() {
    return Deadline.in(5_000);
  }

  private static CacheEntry<String> fresh(String value) {
    return CacheEntry.of(value, 60_000, 60_000, 60_000);
  }

  /** Past fresh, inside the revalidate window. */
  private static CacheEntry<String> revalidatable(String value) {
    long now = System.currentTimeMillis();
    return new CacheEntry<>(value, now - 1_000, now + 60_000, now + 120_000, false);
  }

  /** Past the revalidate window, still kept for stale-if-error. */
  private static CacheEntry<String> keptOnly(String value) {
    long now = System.currentTimeMillis();
    return new CacheEntry<>(value, now - 2_000, now - 1_000, now + 60_000, false);
  }

  private double lookups(CacheStatus status) {
    return Metrics.of(vertx).counter("edge_cache_lookups_total", "cache", "rt", "status", status.header()).count();
  }

  @Test
  void aMissLoadsOnceForTwoHundredCallersThenHits(VertxTestContext ctx) {
    vertx.runOnContext(v -> {
      List<Future<Loaded<String>>> callers = new ArrayList<>();
      for (int i = 0; i < 200; i++) {
        callers.add(cache.get("seg:k", deadline(), controlled()));
      }
      ctx.verify(() -> assertThat(loads).hasValue(1));
      pending.get(0).complete(fresh("segs"));
      Future.all(callers)
          .compose(all -> {
            ctx.verify(() -> assertThat(callers).allSatisfy(f -> {
              assertThat(f.result().value()).isEqualTo("segs");
              assertThat(f.result().status()).isEqualTo(CacheStatus.MISS);
            }));
            return cache.get("seg:k", deadline(), controlled());
          })
          .onComplete(ctx.succeeding(hit -> ctx.verify(() -> {
            assertThat(hit.status()).isEqualTo(CacheStatus.HIT_L1);
            assertThat(loads).hasValue(1);
            ctx.completeNow();
          })));
    });
  }

  @Test
  void staleIsServedAtOnceWithExactlyOneBackgroundRefreshForAHundredReads(VertxTestContext ctx) {
    store.putNow("seg:k", revalidatable("old"));
    List<Context> loops = List.of(vertx.getOrCreateContext(), vertx.getOrCreateContext(), vertx.getOrCreateContext());
    List<Future<Loaded<String>>> reads = new CopyOnWriteArrayList<>();
    List<Future<Void>> issued = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      Promise<Void> sent = Promise.promise();
      issued.add(sent.future());
      loops.get(i % loops.size()).runOnContext(v -> {
        reads.add(cache.get("seg:k", deadline(), controlled()));
        sent.complete();
      });
    }
    Future.all(issued).compose(v -> Future.all(new ArrayList<>(reads))).compose(all -> {
      ctx.verify(() -> {
        // every read answered while the refresh is still in the air
        assertThat(pending).hasSize(1);
        assertThat(pending.get(0).future().isComplete()).isFalse();
        assertThat(reads).hasSize(100).allSatisfy(f -> {
          assertThat(f.result().value()).isEqualTo("old");
          assertThat(f.result().status()).isEqualTo(CacheStatus.STALE);
        });
        assertThat(loads).hasValue(1);
      });
      pending.get(0).complete(fresh("new"));
      return waitForStore("seg:k", "new");
    }).compose(v -> cache.get("seg:k", deadline(), controlled()))
        .onComplete(ctx.succeeding(after -> ctx.verify(() -> {
          assertThat(after.value()).isEqualTo("new");
          assertThat(after.status()).isEqualTo(CacheStatus.HIT_L1);
          assertThat(loads).hasValue(1);
          ctx.completeNow();
        })));
  }

  @Test
  void staleIfErrorServesTheKeptValueOnRetryableFailuresOnly(VertxTestContext ctx) {
    store.putNow("seg:k", keptOnly("kept"));
    vertx.runOnContext(v -> {
      Future<Loaded<String>> onTimeout = cache.get("seg:k", deadline(), controlled());
      pending.get(0).fail(new OutcomeException(Outcome.TIMEOUT, "slow"));
      onTimeout.compose(loaded -> {
        ctx.verify(() -> {
          assertThat(loaded.value()).isEqualTo("kept");
          assertThat(loaded.status()).isEqualTo(CacheStatus.STALE);
        });
        Future<Loaded<String>> onUpstreamError = cache.get("seg:k", deadline(), controlled());
        pending.get(1).fail(new OutcomeException(Outcome.UPSTREAM_ERROR, "503"));
        return onUpstreamError;
      }).compose(loaded -> {
        ctx.verify(() -> assertThat(loaded.status()).isEqualTo(CacheStatus.STALE));
        Future<Loaded<String>> onBadRequest = cache.get("seg:k", deadline(), controlled());
        pending.get(2).fail(new OutcomeException(Outcome.BAD_REQUEST, "bad"));
        return onBadRequest;
      }).onComplete(ctx.failing(t -> ctx.verify(() -> {
        assertThat(OutcomeException.outcomeOf(t)).isEqualTo(Outcome.BAD_REQUEST);
        assertThat(loads).hasValue(3);
        assertThat(Metrics.of(vertx).counter("edge_cache_stale_on_error_total", "cache", "rt").count()).isEqualTo(2.0);
        ctx.completeNow();
      })));
    });
  }

  @Test
  void negativeEntriesAreServedAsNegative(VertxTestContext ctx) {
    vertx.runOnContext(v -> {
      Future<Loaded<String>> first = cache.get("seg:k", deadline(), controlled());
      pending.get(0).complete(CacheEntry.negative("no-segments", 60_000));
      first.compose(loaded -> {
        ctx.verify(() -> {
          assertThat(loaded.status()).isEqualTo(CacheStatus.NEGATIVE);
          assertThat(loaded.negative()).isTrue();
          assertThat(loaded.value()).isEqualTo("no-segments");
        });
        return cache.get("seg:k", deadline(), controlled());
      }).onComplete(ctx.succeeding(again -> ctx.verify(() -> {
        assertThat(again.status()).isEqualTo(CacheStatus.NEGATIVE);
        assertThat(again.negative()).isTrue();
        assertThat(loads).as("served from the store").hasValue(1);
        assertThat(lookups(CacheStatus.NEGATIVE)).isEqualTo(2.0);
        ctx.completeNow();
      })));
    });
  }

  @Test
  void theStoreIsRecheckedInsideTheFlight(VertxTestContext ctx) {
    // the first read misses; before the flight reads again, another gateway fills the shared store
    AtomicInteger reads = new AtomicInteger();
    Cache<String> shared = new Cache<>() {
      @Override
      public Future<CacheHit<String>> get(String key) {
        if (reads.incrementAndGet() == 1) {
          store.putNow(key, fresh("from-another-gateway"));
          return Future.succeededFuture(null);
        }
        return store.get(key);
      }

      @Override
      public Future<Void> put(String key, CacheEntry<String> entry) {
        return store.put(key, entry);
      }

      @Override
      public Future<Void> remove(String key) {
        return store.remove(key);
      }

      @Override
      public String name() {
        return "shared";
      }
    };
    ReadThroughCache<String> readThrough = new ReadThroughCache<>(vertx, "recheck", shared, SingleFlightOptions.defaults());
    readThrough.get("seg:k", deadline(), controlled()).onComplete(ctx.succeeding(loaded -> ctx.verify(() -> {
      assertThat(loaded.value()).isEqualTo("from-another-gateway");
      assertThat(loads).as("no upstream call").hasValue(0);
      assertThat(reads).hasValue(2);
      ctx.completeNow();
    })));
  }

  @Test
  void aWaiterPastItsDeadlineTimesOutButTheFlightStillFillsTheCache(VertxTestContext ctx) {
    vertx.runOnContext(v -> cache.get("seg:k", Deadline.in(30), controlled())
        .onComplete(ctx.failing(t -> {
          ctx.verify(() -> {
            assertThat(OutcomeException.outcomeOf(t)).isEqualTo(Outcome.TIMEOUT);
            assertThat(cache.flights().isFlying("seg:k")).isTrue();
          });
          pending.get(0).complete(fresh("late"));
          waitForStore("seg:k", "late")
              .compose(x -> cache.get("seg:k", deadline(), controlled()))
              .onComplete(ctx.succeeding(loaded -> ctx.verify(() -> {
                assertThat(loaded.value()).isEqualTo("late");
                assertThat(loaded.status()).isEqualTo(CacheStatus.HIT_L1);
                assertThat(loads).hasValue(1);
                ctx.completeNow();
              })));
        })));
  }

  @Test
  void aFailingStoreIsAMissAndNeverFailsTheRead(VertxTestContext ctx) {
    Cache<String> broken = new Cache<>() {
      @Override
      public Future<CacheHit<String>> get(String key) {
        return Future.failedFuture(new OutcomeException(Outcome.UNAVAILABLE, "redis down"));
      }

      @Override
      public Future<Void> put(String key, CacheEntry<String> entry) {
        throw new IllegalStateException("thrown, not failed");
      }

      @Override
      public Future<Void> remove(String key) {
        return Future.failedFuture(new OutcomeException(Outcome.UNAVAILABLE, "redis down"));
      }

      @Override
      public String name() {
        return "broken";
      }
    };
    ReadThroughCache<String> readThrough = new ReadThroughCache<>(vertx, "broken", broken, SingleFlightOptions.defaults());
    vertx.runOnContext(v -> {
      Future<Loaded<String>> read = readThrough.get("seg:k", deadline(), controlled());
      pending.get(0).complete(fresh("loaded"));
      read.compose(loaded -> {
        ctx.verify(() -> {
          assertThat(loaded.value()).isEqualTo("loaded");
          assertThat(loaded.status()).isEqualTo(CacheStatus.MISS);
        });
        return readThrough.invalidate("seg:k");
      }).onComplete(ctx.succeedingThenComplete());
    });
  }

  /** Completes once the store holds {@code value} under {@code key} (polled on a timer, bounded). */
  private Future<Void> waitForStore(String key, String value) {
    return dev.edgegateway.Awaits.until(vertx, () -> {
      CacheHit<String> hit = store.getNow(key);
      return hit != null && value.equals(hit.entry().value());
    }, 5_000);
  }
}
