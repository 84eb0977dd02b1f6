package dev.edgegateway.upstream;

import static org.assertj.core.api.Assertions.assertThat;

import dev.edgegateway.bus.Deadline;
import dev.edgegateway.bus.Outcome;
import dev.edgegateway.bus.OutcomeException;
import io.vertx.circuitbreaker.CircuitBreakerState;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Clients of one upstream on several event loops share its breaker: it is one service, however it is reached. */
class UpstreamClientTest {
  private Vertx vertx;
  private HttpServer failing;
  private final AtomicInteger served = new AtomicInteger();

  @BeforeEach
  void start() throws Exception {
    vertx = Vertx.vertx();
    failing = await(vertx.createHttpServer()
        .requestHandler(request -> {
          served.incrementAndGet();
          request.response().setStatusCode(503).end("down");
        })
        .listen(0, "127.0.0.1"));
  }

  @AfterEach
  void stop() throws Exception {
    await(vertx.close());
  }

  private static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private Outcome call(UpstreamClient client) throws Exception {
    String url = "http://127.0.0.1:" + failing.actualPort() + "/x";
    return await(client.send(web -> web.requestAbs(HttpMethod.GET, url), null, Deadline.in(2_000))
        .map(ok -> Outcome.OK)
        .otherwise(OutcomeException::outcomeOf));
  }

  @Test
  void failuresSeenByOneClientOpenTheCircuitForTheOthers() throws Exception {
    UpstreamOptions options = new UpstreamOptions().setMaxRetries(0).setBreakerMaxFailures(2)
        .setBreakerResetMs(60_000).setMaxPoolSize(8);
    UpstreamClient.Guard guard = new UpstreamClient.Guard(vertx, "test", options, 2);
    UpstreamClient first = new UpstreamClient(vertx, guard);
    UpstreamClient second = new UpstreamClient(vertx, guard);

    for (int i = 0; i < 3; i++) {
      assertThat(call(first)).isIn(Outcome.UPSTREAM_ERROR, Outcome.CIRCUIT_OPEN);
    }
    int servedBefore = served.get();

    assertThat(second.circuitState()).isEqualTo(CircuitBreakerState.OPEN);
    assertThat(call(second)).isEqualTo(Outcome.CIRCUIT_OPEN);
    assertThat(served.get()).as("an open circuit sends nothing").isEqualTo(servedBefore);

    // closing one client leaves the shared breaker working for the other
    await(first.close());
    assertThat(call(second)).isEqualTo(Outcome.CIRCUIT_OPEN);
    await(second.close());
  }

  @Test
  void aClientOfItsOwnHasABreakerOfItsOwn() throws Exception {
    UpstreamOptions options = new UpstreamOptions().setMaxRetries(0).setBreakerMaxFailures(2).setBreakerResetMs(60_000);
    UpstreamClient tripped = new UpstreamClient(vertx, "one", options);
    UpstreamClient other = new UpstreamClient(vertx, "two", options);
    for (int i = 0; i < 3; i++) {
      call(tripped);
    }
    assertThat(tripped.circuitState()).isEqualTo(CircuitBreakerState.OPEN);
    assertThat(other.circuitState()).isEqualTo(CircuitBreakerState.CLOSED);
    assertThat(call(other)).isEqualTo(Outcome.UPSTREAM_ERROR);
  }
}
