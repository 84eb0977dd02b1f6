package dev.edgegateway.events;

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
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(VertxExtension.class)
class EventsVerticleTest {
  private Vertx vertx;
  private StatsStub stub;

  @BeforeEach
  void setUp(VertxTestContext ctx) {
    vertx = Vertx.vertx();
    stub = new StatsStub();
    stub.start(vertx).onComplete(ctx.succeedingThenComplete());
  }

  @AfterEach
  void tearDown(VertxTestContext ctx) {
    vertx.close().onComplete(ctx.succeedingThenComplete());
  }

  /** Settings for a fast test: no upstream-client retries (the outbox retries), short backoff. */
  private ConfigReader settings() {
    return ConfigReader.defaults()
        .with(Settings.KLEVU_STATS_URL, stub.url())
        .with(Settings.EVENTS_FLUSH_MS, 20)
        .with(Settings.EVENTS_RETRY_BACKOFF_MS, 10)
        .with(Settings.EVENTS_RETRY_BACKOFF_MAX_MS, 2_000)
        .with(Settings.EVENTS_DRAIN_MS, 2_000)
        .with(Settings.UPSTREAM_MAX_RETRIES, 0)
        .with(Settings.UPSTREAM_TIMEOUT_MS, 2_000);
  }

  private EventsOptions options() {
    return EventsOptions.from(settings());
  }

  private Future<EventsVerticle> deploy(EventsOptions options) {
    EventsVerticle verticle = new EventsVerticle(options);
    return vertx.deployVerticle(verticle).map(id -> verticle);
  }

  private static List<JsonObject> events(int from, int to) {
    return IntStream.range(from, to)
        .mapToObj(i -> new JsonObject().put("event", "view_recs_list").put("event_apikey", "k-1").put("n", i))
        .toList();
  }

  private static List<Integer> numbers(List<JsonObject> events) {
    return events.stream().map(e -> e.getInteger("n")).toList();
  }

  private double events(String result) {
    return Metrics.of(vertx).get("edge_events_total").tag("result", result).counter().count();
  }

  private double batches(String result) {
    return Metrics.of(vertx).get("edge_events_batches_total").tag("result", result).counter().count();
  }

  private double depth() {
    return Metrics.of(vertx).get("edge_outbox_depth").gauge().value();
  }

  /** Completes once {@code condition} holds, checked on the event loop; fails after {@code timeoutMs}. */
  private Future<Void> until(BooleanSupplier condition, long timeoutMs) {
    Promise<Void> done = Promise.promise();
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
    vertx.setPeriodic(5, id -> {
      if (condition.getAsBoolean()) {
        vertx.cancelTimer(id);
        done.tryComplete();
      } else if (System.nanoTime() - deadline > 0) {
        vertx.cancelTimer(id);
        done.tryFail(new AssertionError("condition not met within " + timeoutMs + " ms"));
      }
    });
    return done.future();
  }

  /** Enqueues the list in bodies of {@code per} events, one after the other, through the bus proxy. */
  private Future<Void> enqueueInChunks(List<JsonObject> all, int per) {
    EventsService service = EventsService.proxy(vertx);
    Future<Void> chain = Future.succeededFuture();
    for (int i = 0; i < all.size(); i += per) {
      List<JsonObject> chunk = all.subList(i, Math.min(all.size(), i + per));
      chain = chain.compose(v -> service.enqueue(new EventBatch(chunk), Deadline.in(1_000))
          .map(receipt -> {
            assertThat(receipt.accepted()).isEqualTo(chunk.size());
            return null;
          }));
    }
    return chain;
  }

  private void assertNothingUnaccounted() {
    assertThat(events("accepted")).isEqualTo(events("delivered") + events("dead") + depth());
  }

  @Test
  void batchesOfAtMostBatchSizeAllEventsInOrder(VertxTestContext ctx) {
    EventsOptions options = EventsOptions.from(settings().with(Settings.EVENTS_IN_FLIGHT, 1)
        .with(Settings.EVENTS_FLUSH_MS, 200));
    deploy(options)
        .compose(v -> EventsService.proxy(vertx).enqueue(new EventBatch(events(0, 120)), Deadline.in(1_000)))
        .compose(receipt -> {
          ctx.verify(() -> assertThat(receipt.accepted()).isEqualTo(120));
          // the stub sees the last batch before the sender sees the 200 that counts it as delivered: wait for both
          return until(() -> stub.delivered().size() >= 120 && events("delivered") >= 120, 5_000);
        })
        .onComplete(ctx.succeeding(v -> ctx.verify(() -> {
          assertThat(stub.requests).hasSize(3);
          assertThat(stub.requests).extracting(r -> r.body().size()).containsExactly(50, 50, 20);
          assertThat(stub.requests).allSatisfy(r -> assertThat(r.contentType()).isEqualTo("application/json"));
          assertThat(numbers(stub.delivered())).isEqualTo(IntStream.range(0, 120).boxed().toList());
          assertThat(events("accepted")).isEqualTo(120);
          assertThat(events("delivered")).isEqualTo(120);
          assertThat(batches("delivered")).isEqualTo(3);
          assertThat(depth()).isZero();
          ctx.completeNow();
        })));
  }

  @Test
  void concurrentBatchesDeliverEverythingExactlyOnce(VertxTestContext ctx) {
    deploy(options())
        .compose(v -> enqueueInChunks(events(0, 500), 10))
        // the stub sees an event before the sender sees the 200 that counts it as delivered: wait for both
        .compose(v -> until(() -> stub.delivered().size() >= 500 && events("delivered") >= 500, 5_000))
        .onComplete(ctx.succeeding(v -> ctx.verify(() -> {
          assertThat(stub.requests).allSatisfy(r -> {
            assertThat(r.body().size()).isBetween(1, 50);
            List<Integer> inBatch = numbers(r.body().stream().map(e -> (JsonObject) e).toList());
            assertThat(inBatch).isSorted();
          });
          assertThat(numbers(stub.delivered())).containsExactlyInAnyOrderElementsOf(IntStream.range(0, 500).boxed().toList());
          assertThat(events("delivered")).isEqualTo(500);
          assertNothingUnaccounted();
          ctx.completeNow();
        })));
  }

  @Test
  void failedBatchIsRetriedAsItWasThenDelivered(VertxTestContext ctx) {
    stub.fail500.set(2);
    deploy(EventsOptions.from(settings().with(Settings.EVENTS_IN_FLIGHT, 1)))
        .compose(v -> enqueueInChunks(events(0, 30), 30))
        .compose(v -> until(() -> events("delivered") >= 30, 5_000))
        .onComplete(ctx.succeeding(v -> ctx.verify(() -> {
          assertThat(stub.requests).extracting(StatsStub.Received::status).containsExactly(500, 500, 200);
          // the same batch each time, nothing lost, nothing duplicated
          assertThat(stub.requests).allSatisfy(r -> assertThat(numbers(r.body().stream().map(e -> (JsonObject) e).toList()))
              .isEqualTo(IntStream.range(0, 30).boxed().toList()));
          assertThat(numbers(stub.delivered())).isEqualTo(IntStream.range(0, 30).boxed().toList());
          assertThat(batches("retried")).isEqualTo(2);
          assertThat(batches("delivered")).isEqualTo(1);
          assertThat(events("dead")).isZero();
          assertThat(depth()).isZero();
          assertNothingUnaccounted();
          ctx.completeNow();
        })));
  }

  @Test
  void retriesUnderConcurrencyLoseAndDuplicateNothing(VertxTestContext ctx) {
    stub.fail500.set(3);
    deploy(options())
        .compose(v -> enqueueInChunks(events(0, 200), 10))
        .compose(v -> until(() -> events("delivered") >= 200, 5_000))
        .onComplete(ctx.succeeding(v -> ctx.verify(() -> {
          assertThat(stub.requests).filteredOn(r -> r.status() == 500).hasSize(3);
          assertThat(numbers(stub.delivered())).containsExactlyInAnyOrderElementsOf(IntStream.range(0, 200).boxed().toList());
          assertThat(batches("retried")).isEqualTo(3);
          assertThat(depth()).isZero();
          assertNothingUnaccounted();
          ctx.completeNow();
        })));
  }

  @Test
  void retryAfterFromTheUpstreamIsHonoured(VertxTestContext ctx) {
    stub.fail503RetryAfter.set(1);
    deploy(EventsOptions.from(settings().with(Settings.EVENTS_RETRY_BACKOFF_MS, 1)))
        .compose(v -> enqueueInChunks(events(0, 5), 5))
        .compose(v -> until(() -> events("delivered") >= 5, 5_000))
        .onComplete(ctx.succeeding(v -> ctx.verify(() -> {
          assertThat(stub.requests).extracting(StatsStub.Received::status).containsExactly(503, 200);
          long waitedMs = TimeUnit.NANOSECONDS.toMillis(stub.requests.get(1).atNanos() - stub.requests.get(0).atNanos());
          assertThat(waitedMs).isGreaterThanOrEqualTo(900);
          assertThat(numbers(stub.delivered())).containsExactly(0, 1, 2, 3, 4);
          ctx.completeNow();
        })));
  }

  @Test
  void fullOutboxAnswersOverloaded(VertxTestContext ctx) {
    // nothing leaves: the batch size is never reached and the flush tick is far away
    EventsOptions options = EventsOptions.from(settings().with(Settings.OUTBOX_CAPACITY, 10)
        .with(Settings.EVENTS_BATCH_SIZE, 50).with(Settings.EVENTS_FLUSH_MS, 60_000)
        .with(Settings.EVENTS_DRAIN_MS, 0));
    EventsService service = EventsService.proxy(vertx);
    deploy(options).compose(verticle -> service.enqueue(new EventBatch(events(0, 8)), Deadline.in(1_000))
            .compose(first -> {
              ctx.verify(() -> assertThat(first.accepted()).isEqualTo(8));
              return service.enqueue(new EventBatch(events(8, 13)), Deadline.in(1_000));
            })
            .transform(ar -> {
              ctx.verify(() -> {
                assertThat(ar.failed()).isTrue();
                assertThat(OutcomeException.outcomeOf(ar.cause())).isEqualTo(Outcome.OVERLOADED);
                assertThat(ar.cause()).hasMessageContaining("outbox full");
              });
              // called directly, the failure carries its Retry-After
              return verticle.enqueue(new EventBatch(events(8, 13)), Deadline.in(1_000));
            })
            .transform(ar -> {
              ctx.verify(() -> {
                assertThat(ar.cause()).isInstanceOf(OutcomeException.class);
                OutcomeException oe = (OutcomeException) ar.cause();
                assertThat(oe.outcome()).isEqualTo(Outcome.OVERLOADED);
                assertThat(oe.retryAfterSeconds()).isGreaterThanOrEqualTo(1);
              });
              // all or nothing: the 2 that still fit are accepted
              return service.enqueue(new EventBatch(events(8, 10)), Deadline.in(1_000));
            }))
        .onComplete(ctx.succeeding(receipt -> ctx.verify(() -> {
          assertThat(receipt.accepted()).isEqualTo(2);
          assertThat(events("accepted")).isEqualTo(10);
          assertThat(events("rejected_full")).isEqualTo(10);
          assertThat(depth()).isEqualTo(10);
          assertThat(stub.requests).isEmpty();
          ctx.completeNow();
        })));
  }

  @Test
  void deadLetteredAfterMaxAttempts(VertxTestContext ctx) {
    stub.alwaysStatus = 500;
    deploy(EventsOptions.from(settings().with(Settings.EVENTS_MAX_ATTEMPTS, 3)))
        .compose(v -> enqueueInChunks(events(0, 5), 5))
        .compose(v -> until(() -> events("dead") >= 5, 5_000))
        .onComplete(ctx.succeeding(v -> ctx.verify(() -> {
          assertThat(stub.requests).hasSize(3);
          assertThat(stub.requests).allSatisfy(r -> assertThat(numbers(r.body().stream().map(e -> (JsonObject) e).toList()))
              .containsExactly(0, 1, 2, 3, 4));
          assertThat(batches("retried")).isEqualTo(2);
          assertThat(batches("dead")).isEqualTo(1);
          assertThat(events("delivered")).isZero();
          assertThat(depth()).isZero();
          assertNothingUnaccounted();
          ctx.completeNow();
        })));
  }

  @Test
  void aClientErrorDeadLettersAtOnce(VertxTestContext ctx) {
    stub.alwaysStatus = 400;
    deploy(options())
        .compose(v -> enqueueInChunks(events(0, 3), 3))
        .compose(v -> until(() -> events("dead") >= 3, 5_000))
        .onComplete(ctx.succeeding(v -> ctx.verify(() -> {
          assertThat(stub.requests).hasSize(1);
          assertThat(batches("retried")).isZero();
          assertNothingUnaccounted();
          ctx.completeNow();
        })));
  }

  @Test
  void stopDrainsTheOutbox(VertxTestContext ctx) {
    // partial batches would wait a minute: only the drain on undeploy sends them
    EventsOptions options = EventsOptions.from(settings().with(Settings.EVENTS_FLUSH_MS, 60_000)
        .with(Settings.EVENTS_BATCH_SIZE, 50));
    List<String> ids = new ArrayList<>();
    deploy(options)
        .compose(verticle -> {
          ids.add(verticle.deploymentID());
          return enqueueInChunks(events(0, 70), 35);
        })
        .compose(v -> until(() -> events("delivered") >= 50, 5_000)) // the one full batch
        .compose(v -> {
          ctx.verify(() -> assertThat(depth()).isEqualTo(20));
          return vertx.undeploy(ids.get(0));
        })
        .onComplete(ctx.succeeding(v -> ctx.verify(() -> {
          assertThat(numbers(stub.delivered())).isEqualTo(IntStream.range(0, 70).boxed().toList());
          assertThat(events("delivered")).isEqualTo(70);
          assertThat(depth()).isZero();
          ctx.completeNow();
        })));
  }

  @Test
  void stopGivesUpAfterShutdownDrainMsAndKeepsTheCount(VertxTestContext ctx) {
    stub.alwaysStatus = 503;
    EventsOptions options = EventsOptions.from(settings().with(Settings.EVENTS_RETRY_BACKOFF_MS, 60_000)
        .with(Settings.EVENTS_RETRY_BACKOFF_MAX_MS, 60_000).with(Settings.EVENTS_DRAIN_MS, 300));
    List<String> ids = new ArrayList<>();
    deploy(options)
        .compose(verticle -> {
          ids.add(verticle.deploymentID());
          return enqueueInChunks(events(0, 10), 10);
        })
        .compose(v -> until(() -> batches("retried") >= 1, 5_000))
        .compose(v -> {
          long started = System.nanoTime();
          return vertx.undeploy(ids.get(0)).map(x -> TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
        })
        .onComplete(ctx.succeeding(tookMs -> ctx.verify(() -> {
          assertThat(tookMs).isLessThan(3_000);
          assertThat(depth()).isEqualTo(10);
          assertThat(events("dead")).isZero();
          assertNothingUnaccounted();
          ctx.completeNow();
        })));
  }

  @Test
  void nullEventsAreABadRequestAndAnEmptyBatchIsAcceptedAsNothing(VertxTestContext ctx) {
    EventsService service = EventsService.proxy(vertx);
    deploy(options())
        .compose(v -> service.enqueue(new EventBatch(java.util.Arrays.asList(new JsonObject(), null)), Deadline.in(1_000)))
        .transform(ar -> {
          ctx.verify(() -> assertThat(OutcomeException.outcomeOf(ar.cause())).isEqualTo(Outcome.BAD_REQUEST));
          return service.enqueue(new EventBatch(List.of()), Deadline.in(1_000));
        })
        .onComplete(ctx.succeeding(receipt -> ctx.verify(() -> {
          assertThat(receipt.accepted()).isZero();
          assertThat(events("accepted")).isZero();
          ctx.completeNow();
        })));
  }

  @Test
  void afterUndeployTheAddressIsGone(VertxTestContext ctx) {
    List<String> ids = new ArrayList<>();
    deploy(options())
        .compose(verticle -> {
          ids.add(verticle.deploymentID());
          return vertx.undeploy(verticle.deploymentID());
        })
        .compose(v -> EventsService.proxy(vertx).enqueue(new EventBatch(events(0, 1)), Deadline.in(500)))
        .onComplete(ctx.failing(t -> ctx.verify(() -> {
          assertThat(OutcomeException.outcomeOf(t)).isEqualTo(Outcome.UNAVAILABLE);
          ctx.completeNow();
        })));
  }

  @Test
  void onlyTheCollectorsOwnFourThirteenCountsAsTooLargeWhateverAMessageSays() {
    OutcomeException status413 = new OutcomeException(Outcome.UPSTREAM_REJECTED,
        dev.edgegateway.flow.FailureClass.UPSTREAM_STATUS, "stats refused the body", 0, 413);
    OutcomeException text413 = new OutcomeException(Outcome.UPSTREAM_REJECTED, "stats answered 413");
    OutcomeException status400 = new OutcomeException(Outcome.UPSTREAM_REJECTED,
        dev.edgegateway.flow.FailureClass.UPSTREAM_STATUS, "stats answered 413", 0, 400);
    assertThat(EventsVerticle.tooLarge(status413)).isTrue();
    assertThat(EventsVerticle.tooLarge(text413)).isFalse();
    assertThat(EventsVerticle.tooLarge(status400)).isFalse();
  }
}
