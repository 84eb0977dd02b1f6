package dev.edgegateway.cache;

import static org.assertj.core.api.Assertions.assertThat;

import dev.edgegateway.flow.Outcome;
import dev.edgegateway.flow.OutcomeException;
import dev.edgegateway.metrics.Metrics;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Tier behaviour with an in-memory L2 (standing in for another gateway's view of Redis) or a failing one. */
@ExtendWith(VertxExtension.class)
class TieredCacheTest {

  /** An L2 that counts calls and can be switched to fail. */
  static final class SwitchableStore implements Cache<String> {
    final MemoryCache<String> backing = new MemoryCache<>(MemoryCacheOptions.defaults());
    final AtomicBoolean failing = new AtomicBoolean();
    final AtomicInteger gets = new AtomicInteger();

    @Override
    public Future<CacheHit<String>> get(String key) {
      gets.incrementAndGet();
      return failing.get() ? Future.failedFuture(new OutcomeException(Outcome.UNAVAILABLE, "down"))
          : backing.get(key).map(hit -> hit == null ? null : new CacheHit<>(hit.entry(), CacheTier.L2));
    }

    @Override
    public Future<Void> put(String key, CacheEntry<String> entry) {
      return failing.get() ? Future.failedFuture(new OutcomeException(Outcome.UNAVAILABLE, "down")) : backing.put(key, entry);
    }

    @Override
    public Future<Void> remove(String key) {
      return failing.get() ? Future.failedFuture(new OutcomeException(Outcome.UNAVAILABLE, "down")) : backing.remove(key);
    }

    @Override
    public String name() {
      return "switchable";
    }
  }

  private static CacheEntry<String> fresh(String v) {
    return CacheEntry.of(v, 60_000, 60_000, 60_000);
  }

  @Test
  void l2HitFillsL1WithTheSameAges(Vertx vertx, VertxTestContext ctx) {
    SwitchableStore l2 = new SwitchableStore();
    MemoryCache<String> l1 = new MemoryCache<>(MemoryCacheOptions.defaults());
    TieredCache<String> tiered = new TieredCache<>(vertx, "t", l1, l2);
    CacheEntry<String> e = new CacheEntry<>("v", System.currentTimeMillis() + 10_000,
        System.currentTimeMillis() + 20_000, System.currentTimeMillis() + 30_000, true);
    l2.backing.putNow("k", e);
    tiered.get("k").compose(first -> {
      ctx.verify(() -> {
        assertThat(first.tier()).isEqualTo(CacheTier.L2);
        assertThat(first.entry()).isEqualTo(e);
        assertThat(l1.getNow("k").entry()).isEqualTo(e);
      });
      return tiered.get("k");
    }).onComplete(ctx.succeeding(second -> ctx.verify(() -> {
      assertThat(second.tier()).isEqualTo(CacheTier.L1);
      assertThat(second.entry()).isEqualTo(e);
      assertThat(l2.gets).hasValue(1);
      ctx.completeNow();
    })));
  }

  @Test
  void l2FailureIsAMissOnReadAndNeverFailsAWrite(Vertx vertx, VertxTestContext ctx) {
    SwitchableStore l2 = new SwitchableStore();
    TieredCache<String> tiered = new TieredCache<>(vertx, "t", new MemoryCache<>(MemoryCacheOptions.defaults()), l2);
    l2.failing.set(true);
    tiered.get("absent")
        .compose(hit -> {
          ctx.verify(() -> assertThat(hit).isNull());
          return tiered.put("k", fresh("v"));
        })
        .compose(v -> tiered.get("k"))
        .onComplete(ctx.succeeding(hit -> ctx.verify(() -> {
          assertThat(hit.tier()).isEqualTo(CacheTier.L1);
          assertThat(hit.entry().value()).isEqualTo("v");
          assertThat(Metrics.of(vertx).counter("edge_cache_l2_errors_total", "cache", "t", "op", "get").count()).isEqualTo(1.0);
          assertThat(Metrics.of(vertx).counter("edge_cache_l2_errors_total", "cache", "t", "op", "put").count()).isEqualTo(1.0);
          ctx.completeNow();
        })));
  }

  @Test
  void removeClearsBothTiersAndReportsAnL2Failure(Vertx vertx, VertxTestContext ctx) {
    SwitchableStore l2 = new SwitchableStore();
    MemoryCache<String> l1 = new MemoryCache<>(MemoryCacheOptions.defaults());
    TieredCache<String> tiered = new TieredCache<>(vertx, "t", l1, l2);
    tiered.put("k", fresh("v"))
        .compose(v -> tiered.remove("k"))
        .compose(v -> {
          ctx.verify(() -> {
            assertThat(l1.getNow("k")).isNull();
            assertThat(l2.backing.getNow("k")).isNull();
          });
          l2.failing.set(true);
          return tiered.remove("k");
        })
        .onComplete(ctx.failing(t -> ctx.verify(() -> {
          assertThat(OutcomeException.outcomeOf(t)).isEqualTo(Outcome.UNAVAILABLE);
          ctx.completeNow();
        })));
  }

  @Test
  void anotherGatewaysUpdateShowsOnceTheL1HoldTimeIsOver(Vertx vertx, VertxTestContext ctx) {
    SwitchableStore l2 = new SwitchableStore();
    TieredCache<String> tiered = new TieredCache<>(vertx, "t", new MemoryCache<>(MemoryCacheOptions.defaults()), l2,
        TieredCacheOptions.defaults().withL1MaxTtlMs(100));
    tiered.put("k", fresh("mine"))
        .compose(v -> {
          l2.backing.putNow("k", fresh("theirs")); // another gateway wrote Redis
          return tiered.get("k");
        })
        .onComplete(ctx.succeeding(first -> {
          ctx.verify(() -> assertThat(first.entry().value()).as("inside the hold time").isEqualTo("mine"));
          long giveUp = System.currentTimeMillis() + 5_000;
          vertx.setPeriodic(20, id -> tiered.get("k").onSuccess(hit -> {
            if ("theirs".equals(hit.entry().value()) && vertx.cancelTimer(id)) {
              ctx.verify(() -> assertThat(hit.tier()).isEqualTo(CacheTier.L2));
              ctx.completeNow();
            } else if (System.currentTimeMillis() > giveUp && vertx.cancelTimer(id)) {
              ctx.failNow(new AssertionError("L1 still answers past its hold time"));
            }
          }));
        }));
  }

  @Test
  void inMemoryReadsPastTheHoldKeepAnsweringWhileOneL2ReadBringsAnotherGatewaysUpdate(Vertx vertx, VertxTestContext ctx) {
    SwitchableStore l2 = new SwitchableStore();
    TieredCache<String> tiered = new TieredCache<>(vertx, "t", new MemoryCache<>(MemoryCacheOptions.defaults()), l2,
        TieredCacheOptions.defaults().withL1MaxTtlMs(100));
    l2.backing.putNow("only-in-l2", fresh("theirs"));
    assertThat(tiered.freshInMemory("only-in-l2")).as("an L2-only key needs I/O").isNull();
    tiered.put("k", fresh("mine")).onComplete(ctx.succeeding(v -> {
      l2.backing.putNow("k", CacheEntry.of("theirs", 120_000, 0, 0)); // another gateway wrote a fresher entry
      ctx.verify(() -> assertThat(tiered.freshInMemory("k").value()).isEqualTo("mine"));
      assertThat(l2.gets.get()).as("inside the hold, memory alone").isZero();
      long giveUp = System.currentTimeMillis() + 5_000;
      vertx.setPeriodic(5, id -> {
        CacheEntry<String> seen = tiered.freshInMemory("k");
        if (seen == null && vertx.cancelTimer(id)) {
          ctx.failNow(new AssertionError("a fresh entry past its hold must still be answered from memory"));
        } else if ("theirs".equals(seen.value()) && vertx.cancelTimer(id)) {
          ctx.verify(() -> assertThat(l2.gets.get()).as("background reads, one per hold at most").isBetween(1, 3));
          ctx.completeNow();
        } else if (System.currentTimeMillis() > giveUp && vertx.cancelTimer(id)) {
          ctx.failNow(new AssertionError("the other gateway's update never showed"));
        }
      });
    }));
  }

  @Test
  void anEntryGoneFromL2IsDroppedFromMemoryAfterTheHold(Vertx vertx, VertxTestContext ctx) {
    SwitchableStore l2 = new SwitchableStore();
    TieredCache<String> tiered = new TieredCache<>(vertx, "t", new MemoryCache<>(MemoryCacheOptions.defaults()), l2,
        TieredCacheOptions.defaults().withL1MaxTtlMs(100));
    tiered.put("k", fresh("mine")).onComplete(ctx.succeeding(v -> {
      l2.backing.remove("k"); // removed (or expired) in Redis by someone else
      long giveUp = System.currentTimeMillis() + 5_000;
      vertx.setPeriodic(5, id -> {
        if (tiered.freshInMemory("k") == null && vertx.cancelTimer(id)) {
          ctx.verify(() -> assertThat(l2.gets.get()).isEqualTo(1));
          ctx.completeNow();
        } else if (System.currentTimeMillis() > giveUp && vertx.cancelTimer(id)) {
          ctx.failNow(new AssertionError("memory still answers a key Redis no longer has"));
        }
      });
    }));
  }

  @Test
  void pastHoldTimeL1StillAnswersWhileL2IsDown(Vertx vertx, VertxTestContext ctx) {
    SwitchableStore l2 = new SwitchableStore();
    TieredCache<String> tiered = new TieredCache<>(vertx, "t", new MemoryCache<>(MemoryCacheOptions.defaults()), l2,
        TieredCacheOptions.defaults().withL1MaxTtlMs(1));
    tiered.put("k", fresh("kept"))
        .compose(v -> vertx.timer(5)) // the hold time is 1 ms: past it for sure
        .compose(v -> {
          l2.failing.set(true);
          return tiered.get("k");
        })
        .onComplete(ctx.succeeding(hit -> ctx.verify(() -> {
          assertThat(hit).isNotNull();
          assertThat(hit.entry().value()).isEqualTo("kept");
          ctx.completeNow();
        })));
  }

  @Test
  void aStaleL1EntryGivesWayToAFresherOneInL2(Vertx vertx, VertxTestContext ctx) {
    SwitchableStore l2 = new SwitchableStore();
    MemoryCache<String> l1 = new MemoryCache<>(MemoryCacheOptions.defaults());
    TieredCache<String> tiered = new TieredCache<>(vertx, "t", l1, l2, TieredCacheOptions.defaults().withL1MaxTtlMs(0));
    long now = System.currentTimeMillis();
    l1.putNow("k", new CacheEntry<>("stale", now - 1_000, now + 60_000, now + 120_000, false));
    tiered.get("k")
        .compose(hit -> {
          ctx.verify(() -> assertThat(hit.entry().value()).as("nothing fresher in L2").isEqualTo("stale"));
          l2.backing.putNow("k", fresh("refreshed-elsewhere"));
          return tiered.get("k");
        })
        .onComplete(ctx.succeeding(hit -> ctx.verify(() -> {
          assertThat(hit.entry().value()).isEqualTo("refreshed-elsewhere");
          assertThat(hit.tier()).isEqualTo(CacheTier.L2);
          assertThat(l1.getNow("k").entry().value()).isEqualTo("refreshed-elsewhere");
          ctx.completeNow();
        })));
  }
}
