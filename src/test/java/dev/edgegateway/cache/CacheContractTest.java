package dev.edgegateway.cache;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The behaviour every {@link Cache} store must show. A store's test extends this and supplies the store;
 * the checks run against it unchanged.
 */
@ExtendWith(VertxExtension.class)
public abstract class CacheContractTest {
  private static final int CONTEXTS = 4;

  protected Vertx vertx;
  protected Cache<String> cache;
  private final List<Context> contexts = new ArrayList<>();

  /** A fresh, empty store for one test. */
  protected abstract Cache<String> createCache(Vertx vertx) throws Exception;

  /** Releases what {@link #createCache} took (keys written to a shared server, clients). */
  protected Future<Void> cleanUp() {
    return Future.succeededFuture();
  }

  @BeforeEach
  void setUpStore(Vertx vertx) throws Exception {
    this.vertx = vertx;
    this.cache = createCache(vertx);
    for (int i = 0; i < CONTEXTS; i++) {
      contexts.add(vertx.getOrCreateContext());
    }
  }

  @AfterEach
  void tearDownStore(VertxTestContext ctx) {
    if (cache == null) {
      ctx.completeNow(); // the store could not be created (test skipped)
      return;
    }
    cleanUp().eventually(() -> cache.close()).onComplete(ctx.succeedingThenComplete());
  }

  protected static CacheEntry<String> entry(String value, long freshMs, long staleMs, long keepMs) {
    return CacheEntry.of(value, freshMs, staleMs, keepMs);
  }

  protected static CacheEntry<String> longLived(String value) {
    return entry(value, 60_000, 60_000, 60_000);
  }

  @Test
  void putThenGetReturnsTheEntry(VertxTestContext ctx) {
    CacheEntry<String> stored = longLived("v1");
    cache.put("seg:k:put-get", stored)
        .compose(v -> cache.get("seg:k:put-get"))
        .onComplete(ctx.succeeding(hit -> ctx.verify(() -> {
          assertThat(hit).isNotNull();
          assertThat(hit.entry()).isEqualTo(stored);
          assertThat(hit.tier()).isNotNull();
          ctx.completeNow();
        })));
  }

  @Test
  void absentKeyReadsAsNull(VertxTestContext ctx) {
    cache.get("seg:k:never-written").onComplete(ctx.succeeding(hit -> ctx.verify(() -> {
      assertThat(hit).isNull();
      ctx.completeNow();
    })));
  }

  @Test
  void entryAlreadyPastKeepUntilIsNotStored(VertxTestContext ctx) {
    long now = System.currentTimeMillis();
    CacheEntry<String> gone = new CacheEntry<>("old", now - 3_000, now - 2_000, now - 1_000, false);
    cache.put("seg:k:gone", gone)
        .compose(v -> cache.get("seg:k:gone"))
        .onComplete(ctx.succeeding(hit -> ctx.verify(() -> {
          assertThat(hit).isNull();
          ctx.completeNow();
        })));
  }

  @Test
  void entryIsGoneOnceItsKeepUntilHasPassed(VertxTestContext ctx) {
    long now = System.currentTimeMillis();
    CacheEntry<String> shortLived = new CacheEntry<>("brief", now + 100, now + 200, now + 300, false);
    cache.put("seg:k:brief", shortLived)
        .compose(v -> cache.get("seg:k:brief"))
        .onComplete(ctx.succeeding(first -> ctx.verify(() -> {
          // a slow machine may already be past keepUntil here; only a hit before it must be served
          if (System.currentTimeMillis() < shortLived.keepUntil() - 50) {
            assertThat(first).isNotNull();
          }
          pollUntil(ctx, 5_000, () -> cache.get("seg:k:brief").map(hit -> hit == null), () -> {
            assertThat(System.currentTimeMillis()).isGreaterThanOrEqualTo(shortLived.keepUntil() - 5);
            ctx.completeNow();
          });
        })));
  }

  @Test
  void overwriteReplacesValueAndAges(VertxTestContext ctx) {
    CacheEntry<String> first = longLived("first");
    CacheEntry<String> second = entry("second", 5_000, 10_000, 20_000);
    cache.put("seg:k:over", first)
        .compose(v -> cache.put("seg:k:over", second))
        .compose(v -> cache.get("seg:k:over"))
        .onComplete(ctx.succeeding(hit -> ctx.verify(() -> {
          assertThat(hit).isNotNull();
          assertThat(hit.entry()).isEqualTo(second);
          ctx.completeNow();
        })));
  }

  @Test
  void removeDropsTheEntryAndAbsentRemoveSucceeds(VertxTestContext ctx) {
    cache.put("seg:k:rm", longLived("doomed"))
        .compose(v -> cache.remove("seg:k:rm"))
        .compose(v -> cache.get("seg:k:rm"))
        .compose(hit -> {
          ctx.verify(() -> assertThat(hit).isNull());
          return cache.remove("seg:k:never-there");
        })
        .onComplete(ctx.succeedingThenComplete());
  }

  @Test
  void largeValueOfOneMegabyteRoundTrips(VertxTestContext ctx) {
    StringBuilder sb = new StringBuilder(1 << 20);
    for (int i = 0; sb.length() < (1 << 20); i++) {
      sb.append((char) ('a' + i % 26));
    }
    String large = sb.toString();
    CacheEntry<String> stored = longLived(large);
    cache.put("recs:k:large", stored)
        .compose(v -> cache.get("recs:k:large"))
        .onComplete(ctx.succeeding(hit -> ctx.verify(() -> {
          assertThat(hit).isNotNull();
          assertThat(hit.entry().value()).hasSize(1 << 20).isEqualTo(large);
          assertThat(hit.entry()).isEqualTo(stored);
          ctx.completeNow();
        })));
  }

  @Test
  void unicodeKeysAndValuesRoundTrip(VertxTestContext ctx) {
    String key = "seg:ключ:測試:😀:é";
    String value = "Grüße 👋 — 日本語 ∑ \u0000 end";
    CacheEntry<String> stored = longLived(value);
    cache.put(key, stored)
        .compose(v -> cache.get(key))
        .compose(hit -> {
          ctx.verify(() -> {
            assertThat(hit).isNotNull();
            assertThat(hit.entry().value()).isEqualTo(value);
          });
          // a key differing only in one code point is another key
          return cache.get("seg:ключ:測試:😁:é");
        })
        .onComplete(ctx.succeeding(other -> ctx.verify(() -> {
          assertThat(other).isNull();
          ctx.completeNow();
        })));
  }

  @Test
  void negativeFlagAndTheThreeAgesRoundTripExactly(VertxTestContext ctx) {
    long now = System.currentTimeMillis();
    CacheEntry<String> negative = new CacheEntry<>("no-segments", now + 1_111, now + 22_222, now + 333_333, true);
    CacheEntry<String> positive = new CacheEntry<>("segs", now + 4_444, now + 55_555, now + 666_666, false);
    CacheEntry<String> negativeNoReason = new CacheEntry<>(null, now + 7_777, now + 7_777, now + 7_777, true);
    cache.put("seg:k:neg", negative)
        .compose(v -> cache.put("seg:k:pos", positive))
        .compose(v -> cache.put("seg:k:neg-null", negativeNoReason))
        .compose(v -> Future.all(cache.get("seg:k:neg"), cache.get("seg:k:pos"), cache.get("seg:k:neg-null")))
        .onComplete(ctx.succeeding(all -> ctx.verify(() -> {
          CacheHit<String> n = all.resultAt(0);
          CacheHit<String> p = all.resultAt(1);
          CacheHit<String> nn = all.resultAt(2);
          assertThat(n.entry()).isEqualTo(negative);
          assertThat(n.entry().negative()).isTrue();
          assertThat(n.entry().freshUntil()).isEqualTo(now + 1_111);
          assertThat(n.entry().staleUntil()).isEqualTo(now + 22_222);
          assertThat(n.entry().keepUntil()).isEqualTo(now + 333_333);
          assertThat(p.entry()).isEqualTo(positive);
          assertThat(p.entry().negative()).isFalse();
          assertThat(nn.entry().value()).isNull();
          assertThat(nn.entry()).isEqualTo(negativeNoReason);
          ctx.completeNow();
        })));
  }

  @Test
  void twoHundredConcurrentPutsAndGetsOnDistinctKeys(VertxTestContext ctx) {
    int n = 200;
    List<CacheEntry<String>> entries = new ArrayList<>();
    List<Future<Void>> puts = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      CacheEntry<String> e = longLived("value-" + i);
      entries.add(e);
      String key = "seg:k:many:" + i;
      puts.add(on(i, () -> cache.put(key, e)));
    }
    Future.all(puts).compose(v -> {
      List<Future<CacheHit<String>>> gets = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        String key = "seg:k:many:" + i;
        gets.add(on(i, () -> cache.get(key)));
      }
      return Future.all(gets).map(all -> gets);
    }).onComplete(ctx.succeeding(gets -> ctx.verify(() -> {
      for (int i = 0; i < n; i++) {
        CacheHit<String> hit = gets.get(i).result();
        assertThat(hit).as("key %d", i).isNotNull();
        assertThat(hit.entry()).isEqualTo(entries.get(i));
      }
      ctx.completeNow();
    })));
  }

  @Test
  void twoHundredConcurrentPutsAndGetsOnOneKeyNeverTearAnEntry(VertxTestContext ctx) {
    int n = 200;
    long base = System.currentTimeMillis() + 60_000;
    List<Future<?>> all = new ArrayList<>();
    List<Future<CacheHit<String>>> gets = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      // each writer's value names its ages, so a reader can tell a torn or mixed entry
      CacheEntry<String> e = new CacheEntry<>("w" + i, base + i, base + 1_000 + i, base + 2_000 + i, i % 2 == 0);
      all.add(on(i, () -> cache.put("seg:k:hot", e)));
      Future<CacheHit<String>> get = on(i + 1, () -> cache.get("seg:k:hot"));
      gets.add(get);
      all.add(get);
    }
    Future.all(all).compose(v -> cache.get("seg:k:hot")).onComplete(ctx.succeeding(last -> ctx.verify(() -> {
      for (Future<CacheHit<String>> get : gets) {
        assertConsistent(get.result(), base);
      }
      assertThat(last).isNotNull();
      assertConsistent(last, base);
      ctx.completeNow();
    })));
  }

  private static void assertConsistent(CacheHit<String> hit, long base) {
    if (hit == null) {
      return; // read before any write landed
    }
    CacheEntry<String> e = hit.entry();
    int i = Integer.parseInt(e.value().substring(1));
    assertThat(e.freshUntil()).isEqualTo(base + i);
    assertThat(e.staleUntil()).isEqualTo(base + 1_000 + i);
    assertThat(e.keepUntil()).isEqualTo(base + 2_000 + i);
    assertThat(e.negative()).isEqualTo(i % 2 == 0);
  }

  /** Runs an operation on one of several event-loop contexts, so calls really come from different threads. */
  protected <T> Future<T> on(int index, Supplier<Future<T>> operation) {
    Promise<T> promise = Promise.promise();
    contexts.get(index % contexts.size()).runOnContext(v -> {
      try {
        operation.get().onComplete(promise);
      } catch (Throwable t) {
        promise.fail(t);
      }
    });
    return promise.future();
  }

  /**
   * Polls {@code condition} on a periodic timer until it holds, then runs {@code then}; fails the test when
   * it does not hold within {@code boundMs}. No sleeping: the event loop stays free.
   */
  protected void pollUntil(VertxTestContext ctx, long boundMs, Supplier<Future<Boolean>> condition,
                           VertxTestContext.ExecutionBlock then) {
    long giveUpAt = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(boundMs);
    boolean[] busy = {false};
    vertx.setPeriodic(10, 20, id -> {
      if (busy[0]) {
        return;
      }
      if (System.nanoTime() - giveUpAt > 0) {
        vertx.cancelTimer(id);
        ctx.failNow(new AssertionError("condition not met within " + boundMs + " ms"));
        return;
      }
      busy[0] = true;
      condition.get().onComplete(ar -> {
        busy[0] = false;
        if (ar.succeeded() && Boolean.TRUE.equals(ar.result()) && vertx.cancelTimer(id)) {
          ctx.verify(then);
        }
      });
    });
  }
}
