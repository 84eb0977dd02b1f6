package dev.edgegateway.events;

import static org.assertj.core.api.Assertions.assertThat;

import dev.edgegateway.Awaits;
import dev.edgegateway.cache.CacheFactory;
import dev.edgegateway.cache.RedisBackend;
import dev.edgegateway.cache.RedisServerProcess;
import dev.edgegateway.config.ConfigReader;
import dev.edgegateway.config.Settings;
import dev.edgegateway.flow.Deadline;
import dev.edgegateway.flow.Outcome;
import dev.edgegateway.flow.OutcomeException;
import dev.edgegateway.metrics.Metrics;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The durable outbox against a real (throw-away) redis-server and a collector over sockets. */
@ExtendWith(VertxExtension.class)
class RedisOutboxTest {
  private static RedisServerProcess server;
  private static int keySpace;
  private Vertx vertx;
  private CacheFactory caches;
  private RedisBackend redis;
  private StatsStub stub;

  @BeforeAll
  static void startRedis() throws Exception {
    server = new RedisServerProcess(RedisServerProcess.freePort());
    server.start();
  }

  @AfterAll
  static void stopRedis() throws Exception {
    server.kill();
  }

  @BeforeEach
  void setUp(VertxTestContext ctx) {
    vertx = Vertx.vertx();
    // a key prefix per test: each starts with an empty stream
    caches = new CacheFactory(vertx, new JsonObject().put("redis", new JsonObject()
        .put("connectionString", server.url()).put("keyPrefix", "t" + (++keySpace) + ":").put("commandTimeoutMs", 2_000)));
    redis = caches.redis().orElseThrow();
    stub = new StatsStub();
    stub.start(vertx).onComplete(ctx.succeedingThenComplete());
  }

  @AfterEach
  void tearDown(VertxTestContext ctx) {
    caches.close().transform(v -> vertx.close()).onComplete(ctx.succeedingThenComplete());
  }

  private EventsOptions options(long claimIdleMs) {
    return EventsOptions.from(ConfigReader.defaults()
        .with(Settings.KLEVU_STATS_URL, stub.url())
        .with(Settings.EVENTS_FLUSH_MS, 20)
        .with(Settings.EVENTS_RETRY_BACKOFF_MS, 20)
        .with(Settings.EVENTS_RETRY_BACKOFF_MAX_MS, 200)
        .with(Settings.EVENTS_MAX_ATTEMPTS, 1_000)
        .with(Settings.EVENTS_DRAIN_MS, 0)
        .with(Settings.UPSTREAM_MAX_RETRIES, 0)
        .with(Settings.UPSTREAM_TIMEOUT_MS, 2_000)
        .with(Settings.EVENTS_CLAIM_IDLE_MS, claimIdleMs));
  }

  private RedisOutbox outbox(String consumer, long claimIdleMs) {
    return new RedisOutbox(vertx, redis, options(claimIdleMs), consumer, Metrics.of(vertx));
  }

  private Future<EventsVerticle> deploy(String consumer, long claimIdleMs) {
    EventsVerticle verticle = new EventsVerticle(options(claimIdleMs), outbox(consumer, claimIdleMs));
    return vertx.deployVerticle(verticle).map(id -> verticle);
  }

  private static List<JsonObject> events(int from, int to) {
    return IntStream.range(from, to).mapToObj(i -> new JsonObject().put("event", "view_recs_list").put("n", i)).toList();
  }

  private static List<Integer> numbers(List<JsonObject> events) {
    return events.stream().map(e -> e.getInteger("n")).toList();
  }

  private Future<Long> redisLong(Command command, Object... args) {
    Request request = Request.cmd(command);
    for (Object arg : args) {
      request.arg(String.valueOf(arg));
    }
    return redis.send("test", request).map(r -> r.type() == io.vertx.redis.client.ResponseType.MULTI
        ? r.get(0).toLong() : r.toLong());
  }

  private String stream() {
    return redis.key(RedisOutbox.STREAM);
  }

  private double streamCount(String result) {
    return Metrics.of(vertx).get("edge_outbox_stream_total").tag("result", result).counter().count();
  }

  @Test
  void aDeadConsumersEventsAreClaimedAfterTheTimeoutAndDelivered(VertxTestContext ctx) {
    RedisOutbox a = outbox("gateway-a", 600);
    List<Buffer> five = events(0, 5).stream().map(JsonObject::toBuffer).toList();
    long[] takenAt = new long[1];
    a.offer(five)
        .compose(ok -> {
          ctx.verify(() -> assertThat(ok).isTrue());
          return a.take(50, 1_000_000);
        })
        .compose(batch -> {
          takenAt[0] = System.nanoTime();
          ctx.verify(() -> assertThat(batch.size()).isEqualTo(5));
          // A dies holding them: never acked, never sent
          return a.close();
        })
        .compose(v -> redisLong(Command.XPENDING, stream(), RedisOutbox.GROUP))
        .compose(pending -> {
          ctx.verify(() -> assertThat(pending).isEqualTo(5));
          return deploy("gateway-b", 600);
        })
        .compose(b -> Awaits.until(vertx, () -> stub.delivered().size() >= 5, 10_000))
        .compose(v -> Awaits.until(vertx, () -> streamCount("acked") >= 5, 5_000))
        .compose(v -> redisLong(Command.XLEN, stream()))
        .onComplete(ctx.succeeding(length -> ctx.verify(() -> {
          assertThat(numbers(stub.delivered())).containsExactlyInAnyOrder(0, 1, 2, 3, 4);
          assertThat(stub.requests.get(0).atNanos() - takenAt[0]).isGreaterThanOrEqualTo(600_000_000L);
          assertThat(streamCount("claimed")).isEqualTo(5);
          assertThat(length).isZero();
          ctx.completeNow();
        })));
  }

  @Test
  void eventsAreAckedOnlyAfterTheCollectorsTwoHundredAndSentAgainAfterItsFiveHundreds(VertxTestContext ctx) {
    stub.alwaysStatus = 500;
    deploy("gateway-c", 30_000)
        .compose(verticle -> verticle.enqueue(new EventBatch(events(0, 3)), Deadline.in(2_000)))
        .compose(receipt -> {
          ctx.verify(() -> assertThat(receipt.accepted()).isEqualTo(3));
          return Awaits.until(vertx, () -> stub.requests.size() >= 3, 10_000);
        })
        .compose(v -> Future.all(redisLong(Command.XLEN, stream()), redisLong(Command.XPENDING, stream(),
            RedisOutbox.GROUP)))
        .compose(held -> {
          ctx.verify(() -> {
            // three 500s: all three events still in the stream, pending to the gateway, none acked
            assertThat(held.<Long>resultAt(0)).isEqualTo(3);
            assertThat(held.<Long>resultAt(1)).isEqualTo(3);
            assertThat(streamCount("acked")).isZero();
            assertThat(stub.delivered()).isEmpty();
          });
          stub.alwaysStatus = 0;
          return Awaits.until(vertx, () -> stub.delivered().size() >= 3 && streamCount("acked") >= 3, 10_000);
        })
        .compose(v -> redisLong(Command.XLEN, stream()))
        .onComplete(ctx.succeeding(length -> ctx.verify(() -> {
          assertThat(numbers(stub.delivered())).containsExactly(0, 1, 2);
          // every failed POST carried the same three events: the retry is the same batch
          stub.requests.forEach(r -> assertThat(r.body().size()).isEqualTo(3));
          assertThat(length).isZero();
          ctx.completeNow();
        })));
  }

  /** A backend on the test's Redis with a cache's fail-fast bounds: one 50 ms timeout counts Redis down. */
  private CacheFactory failFastCaches() {
    return new CacheFactory(vertx, new JsonObject().put("redis", new JsonObject()
        .put("connectionString", server.url()).put("keyPrefix", "t" + (++keySpace) + ":")
        .put("commandTimeoutMs", 50).put("failuresBeforeDown", 1)));
  }

  /** Stalls the whole Redis server for {@code ms} (every client's commands wait, then run). */
  private Future<Void> pauseRedis(long ms) {
    return redis.send("test", Request.cmd(Command.CLIENT).arg("PAUSE").arg(String.valueOf(ms)).arg("ALL")).mapEmpty();
  }

  private double eventCount(String result) {
    return Metrics.of(vertx).get("edge_events_total").tag("result", result).counter().count();
  }

  @Test
  void eventsAreStillAcceptedWhileTheCacheCountsASlowRedisDown(VertxTestContext ctx) {
    CacheFactory fastCaches = failFastCaches();
    RedisBackend fast = fastCaches.redis().orElseThrow();
    EventsOptions options = options(30_000);
    EventsVerticle verticle = new EventsVerticle(options, new RedisOutbox(vertx, fast, options, "gateway-s",
        Metrics.of(vertx)));
    vertx.deployVerticle(verticle)
        .compose(id -> pauseRedis(400))
        // a cache read times out: the backend counts Redis down and fails the next reads at once
        .compose(v -> fast.send("get", Request.cmd(Command.GET).arg(fast.key("page"))).transform(ar -> {
          ctx.verify(() -> assertThat(ar.failed()).isTrue());
          ctx.verify(() -> assertThat(fast.isHealthy()).isFalse());
          return verticle.enqueue(new EventBatch(events(0, 3)), Deadline.in(2_000));
        }))
        .compose(receipt -> {
          ctx.verify(() -> assertThat(receipt.accepted()).isEqualTo(3));
          return Awaits.until(vertx, () -> stub.delivered().size() >= 3, 10_000);
        })
        .eventually(() -> fastCaches.close())
        .onComplete(ctx.succeeding(v -> ctx.verify(() -> {
          assertThat(numbers(stub.delivered())).containsExactly(0, 1, 2);
          assertThat(eventCount("rejected_full")).isZero();
          ctx.completeNow();
        })));
  }

  @Test
  void eventsRefusedBecauseRedisIsOutOfReachAreCountedAsUnavailableNotFull(VertxTestContext ctx) throws Exception {
    // a Redis address where nothing listens: the client's connection is refused
    CacheFactory unreachable = new CacheFactory(vertx, new JsonObject().put("redis", new JsonObject()
        .put("connectionString", "redis://127.0.0.1:" + RedisServerProcess.freePort()).put("commandTimeoutMs", 500)));
    EventsVerticle verticle = new EventsVerticle(options(60_000), new RedisOutbox(vertx,
        unreachable.redis().orElseThrow(), options(60_000), "gateway-t", Metrics.of(vertx)));
    vertx.deployVerticle(verticle)
        .compose(id -> verticle.enqueue(new EventBatch(events(0, 4)), Deadline.in(2_000)))
        .transform(ar -> {
          ctx.verify(() -> {
            assertThat(ar.failed()).isTrue();
            assertThat(OutcomeException.outcomeOf(ar.cause())).isEqualTo(Outcome.UNAVAILABLE);
            // an operator told "full" would raise the capacity; the store is what is missing
            assertThat(eventCount("rejected_unavailable")).isEqualTo(4);
            assertThat(eventCount("rejected_full")).isZero();
            assertThat(eventCount("accepted")).isZero();
          });
          return unreachable.close();
        })
        .onComplete(ctx.succeedingThenComplete());
  }

  @Test
  void anAppendThatTimedOutIsRefusedAsUnknownAndItsEventsStillDelivered(VertxTestContext ctx) {
    EventsOptions options = EventsOptions.from(ConfigReader.defaults()
        .with(Settings.KLEVU_STATS_URL, stub.url())
        .with(Settings.EVENTS_FLUSH_MS, 20)
        .with(Settings.EVENTS_DRAIN_MS, 0)
        .with(Settings.EVENTS_APPEND_TIMEOUT_MS, 150));
    EventsVerticle verticle = new EventsVerticle(options, new RedisOutbox(vertx, redis, options, "gateway-t",
        Metrics.of(vertx)));
    vertx.deployVerticle(verticle)
        .compose(id -> pauseRedis(600))
        .compose(v -> verticle.enqueue(new EventBatch(events(0, 3)), Deadline.in(2_000)).transform(ar -> {
          ctx.verify(() -> {
            assertThat(ar.failed()).isTrue();
            assertThat(OutcomeException.outcomeOf(ar.cause())).isEqualTo(Outcome.UNAVAILABLE);
            assertThat(ar.cause()).hasMessageContaining("timed out");
            assertThat(eventCount("append_unknown")).isEqualTo(3);
            assertThat(streamCount("append_unknown")).isEqualTo(3);
          });
          // Redis ran the append once the pause ended: refused to the client, yet delivered (at least once)
          return Awaits.until(vertx, () -> stub.delivered().size() >= 3, 10_000);
        }))
        .onComplete(ctx.succeeding(v -> ctx.verify(() -> {
          assertThat(numbers(stub.delivered())).containsExactly(0, 1, 2);
          ctx.completeNow();
        })));
  }

  @Test
  void aDeadConsumerIsRemovedFromTheGroupOnceItsEventsWereClaimed(VertxTestContext ctx) {
    RedisOutbox a = outbox("gateway-a", 600);
    a.offer(events(0, 2).stream().map(JsonObject::toBuffer).toList())
        .compose(ok -> a.take(50, 1_000_000))
        .compose(batch -> a.close())
        .compose(v -> consumers())
        .compose(before -> {
          ctx.verify(() -> assertThat(before).contains("gateway-a"));
          return deploy("gateway-b", 600);
        })
        .compose(b -> Awaits.until(vertx, () -> stub.delivered().size() >= 2, 10_000))
        .compose(v -> Awaits.until(vertx, () -> consumersRemoved() >= 1, 10_000))
        .compose(v -> consumers())
        .onComplete(ctx.succeeding(after -> ctx.verify(() -> {
          assertThat(numbers(stub.delivered())).containsExactlyInAnyOrder(0, 1);
          assertThat(after).doesNotContain("gateway-a").contains("gateway-b");
          assertThat(consumersRemoved()).isEqualTo(1);
          ctx.completeNow();
        })));
  }

  private Future<String> consumers() {
    return redis.send("test", Request.cmd(Command.XINFO).arg("CONSUMERS").arg(stream()).arg(RedisOutbox.GROUP))
        .map(String::valueOf);
  }

  private double consumersRemoved() {
    return Metrics.of(vertx).get("edge_outbox_consumers_removed_total").counter().count();
  }
}
