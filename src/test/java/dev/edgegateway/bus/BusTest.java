package dev.edgegateway.bus;

import dev.edgegateway.flow.OutcomeException;
import dev.edgegateway.flow.FailureClass;
import dev.edgegateway.flow.Outcome;
import dev.edgegateway.flow.Deadline;
import static org.assertj.core.api.Assertions.assertThat;

import dev.edgegateway.metrics.Metrics;
import io.micrometer.core.instrument.Counter;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(VertxExtension.class)
class BusTest {
  record Ping(String text) implements LocalMessage {
  }

  @Test
  void localMessagesTravelByReferenceWithTheDeadline(Vertx vertx, VertxTestContext ctx) {
    Bus.install(vertx);
    Ping sent = new Ping("hi");
    Bus.<Ping, Long>bind(vertx, "t.ping", (ping, deadline) -> {
      ctx.verify(() -> assertThat(ping).isSameAs(sent));
      return Future.succeededFuture(deadline.remainingMillis());
    });
    Bus.<Long>request(vertx, "t.ping", sent, Deadline.in(300)).onComplete(ctx.succeeding(left -> ctx.verify(() -> {
      assertThat(left).isBetween(1L, 300L);
      ctx.completeNow();
    })));
  }

  @Test
  void failuresKeepTheirOutcomeAndRetryHint(Vertx vertx, VertxTestContext ctx) {
    Bus.install(vertx);
    Bus.<Ping, String>bind(vertx, "t.full", (ping, deadline) ->
        Future.failedFuture(new OutcomeException(Outcome.OVERLOADED, "outbox full", 7)));
    Bus.request(vertx, "t.full", new Ping("x"), Deadline.in(500)).onComplete(ctx.failing(t -> ctx.verify(() -> {
      OutcomeException e = (OutcomeException) t;
      assertThat(e.outcome()).isEqualTo(Outcome.OVERLOADED);
      assertThat(e.retryAfterSeconds()).isEqualTo(7);
      assertThat(e.getMessage()).isEqualTo("outbox full");
      ctx.completeNow();
    })));
  }

  @Test
  void failuresKeepTheClassOfFailureTheyName(Vertx vertx, VertxTestContext ctx) {
    Bus.install(vertx);
    Bus.<Ping, String>bind(vertx, "t.unreachable", (ping, deadline) -> Future.failedFuture(new OutcomeException(
        Outcome.UPSTREAM_ERROR, FailureClass.UPSTREAM_UNREACHABLE, "search unreachable: ConnectException")));
    Bus.<Ping, String>bind(vertx, "t.open", (ping, deadline) -> Future.failedFuture(new OutcomeException(
        Outcome.CIRCUIT_OPEN, FailureClass.CIRCUIT_OPEN, "search: circuit open", 6)));
    Future.all(
        Bus.request(vertx, "t.unreachable", new Ping("x"), Deadline.in(500)).otherwise(t -> t),
        Bus.request(vertx, "t.open", new Ping("x"), Deadline.in(500)).otherwise(t -> t))
        .onComplete(ctx.succeeding(all -> ctx.verify(() -> {
          OutcomeException unreachable = all.resultAt(0);
          assertThat(unreachable.failureClass()).isEqualTo(FailureClass.UPSTREAM_UNREACHABLE);
          assertThat(unreachable.getMessage()).isEqualTo("search unreachable: ConnectException");
          OutcomeException open = all.resultAt(1);
          assertThat(open.failureClass()).isEqualTo(FailureClass.CIRCUIT_OPEN);
          assertThat(open.retryAfterSeconds()).isEqualTo(6);
          ctx.completeNow();
        })));
  }

  @Test
  void aSpentDeadlineFailsFastAndNoHandlerIsUnavailable(Vertx vertx, VertxTestContext ctx) {
    Bus.install(vertx);
    Future.all(
        Bus.request(vertx, "t.nobody", new Ping("x"), Deadline.in(0)).otherwise(t -> OutcomeException.outcomeOf(t)),
        Bus.request(vertx, "t.nobody", new Ping("x"), Deadline.in(200)).otherwise(t -> OutcomeException.outcomeOf(t)))
        .onComplete(ctx.succeeding(all -> ctx.verify(() -> {
          assertThat(all.<Outcome>resultAt(0)).isEqualTo(Outcome.TIMEOUT);
          assertThat(all.<Outcome>resultAt(1)).isEqualTo(Outcome.UNAVAILABLE);
          ctx.completeNow();
        })));
  }

  @Test
  void aHandlerThatThrowsStillAnswers(Vertx vertx, VertxTestContext ctx) {
    Bus.install(vertx);
    Bus.<Ping, String>bind(vertx, "t.throw", (ping, deadline) -> {
      throw new IllegalStateException("boom");
    });
    Bus.request(vertx, "t.throw", new Ping("x"), Deadline.in(500)).onComplete(ctx.failing(t -> ctx.verify(() -> {
      assertThat(OutcomeException.outcomeOf(t)).isEqualTo(Outcome.INTERNAL);
      ctx.completeNow();
    })));
  }

  /** Answers with the name of the thread it ran on. */
  static final class ThreadEcho extends VerticleBase {
    @Override
    public Future<?> start() {
      Bus.install(vertx);
      return Bus.<Ping, String>bind(vertx, "t.where", (ping, deadline) ->
          Future.succeededFuture(Thread.currentThread().getName())).completion();
    }
  }

  /** Asks once at start, and records {caller thread, answering thread}. */
  static final class ThreadCaller extends VerticleBase {
    final List<String[]> seen;

    ThreadCaller(List<String[]> seen) {
      this.seen = seen;
    }

    @Override
    public Future<?> start() {
      String caller = Thread.currentThread().getName();
      return Bus.<String>request(vertx, "t.where", new Ping("?"), Deadline.in(2_000))
          .onSuccess(answerer -> seen.add(new String[] {caller, answerer}));
    }
  }

  private static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private static double busRequests(Vertx vertx, String target) {
    Counter counter = Metrics.of(vertx).find("edge_bus_requests_total").tags("address", "t.where", "target", target).counter();
    return counter == null ? 0 : counter.count();
  }

  @Test
  void aCallerOnAnEventLoopWithAHandlerIsAnsweredOnItsOwnThread() throws Exception {
    Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(4));
    try {
      await(vertx.deployVerticle(ThreadEcho::new, new DeploymentOptions().setInstances(4)));
      List<String[]> seen = new CopyOnWriteArrayList<>();
      await(vertx.deployVerticle(() -> new ThreadCaller(seen), new DeploymentOptions().setInstances(8)));
      assertThat(seen).hasSize(8);
      // with no co-location, Vert.x's round robin would answer most of them from another loop
      assertThat(seen).allSatisfy(pair -> assertThat(pair[1]).isEqualTo(pair[0]));
      assertThat(busRequests(vertx, "own_loop")).isEqualTo(8);
      assertThat(busRequests(vertx, "any_loop")).isZero();
    } finally {
      await(vertx.close());
    }
  }

  @Test
  void whenTheHandlerOnTheCallersThreadIsGoneAnotherOneAnswers() throws Exception {
    Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(4));
    try {
      String everywhere = await(vertx.deployVerticle(ThreadEcho::new, new DeploymentOptions().setInstances(4)));
      List<String[]> before = new CopyOnWriteArrayList<>();
      await(vertx.deployVerticle(() -> new ThreadCaller(before), new DeploymentOptions().setInstances(4)));
      await(vertx.deployVerticle(new ThreadEcho()));
      await(vertx.undeploy(everywhere));
      List<String[]> after = new CopyOnWriteArrayList<>();
      await(vertx.deployVerticle(() -> new ThreadCaller(after), new DeploymentOptions().setInstances(4)));
      assertThat(after).hasSize(4);
      // the one instance left answers them all, from whichever loop it runs on
      assertThat(after.stream().map(pair -> pair[1]).distinct()).hasSize(1);
    } finally {
      await(vertx.close());
    }
  }

  @Test
  void aCallerOffTheEventLoopsUsesTheSharedAddress() throws Exception {
    Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(2));
    try {
      await(vertx.deployVerticle(ThreadEcho::new, new DeploymentOptions().setInstances(2)));
      String answerer = await(Bus.<String>request(vertx, "t.where", new Ping("?"), Deadline.in(2_000)));
      assertThat(answerer).startsWith("vert.x-eventloop-thread-");
      assertThat(busRequests(vertx, "any_loop")).isEqualTo(1);
    } finally {
      await(vertx.close());
    }
  }

  /** Binds {@code address} to {@code handler} on its own context. */
  static final class Binder extends VerticleBase {
    final String address;
    final java.util.function.BiFunction<Ping, Deadline, Future<String>> handler;

    Binder(String address, java.util.function.BiFunction<Ping, Deadline, Future<String>> handler) {
      this.address = address;
      this.handler = handler;
    }

    @Override
    public Future<?> start() {
      Bus.install(vertx);
      return Bus.bind(vertx, address, handler).completion();
    }
  }

  /** Asks {@code address} once at start, from its own context, and keeps the outcome (a failure too). */
  static final class OneCall extends VerticleBase {
    final String address;
    final long deadlineMs;
    final java.util.concurrent.CompletableFuture<io.vertx.core.AsyncResult<String>> outcome =
        new java.util.concurrent.CompletableFuture<>();
    volatile String callbackDeployment;

    OneCall(String address, long deadlineMs) {
      this.address = address;
      this.deadlineMs = deadlineMs;
    }

    @Override
    public Future<?> start() {
      Bus.<String>request(vertx, address, new Ping("?"), Deadline.in(deadlineMs)).onComplete(ar -> {
        callbackDeployment = Vertx.currentContext().deploymentID();
        outcome.complete(ar);
      });
      return Future.succeededFuture();
    }
  }

  @Test
  void aHandlerOnTheCallersThreadRunsOnItsOwnContextAndAnswersOnTheCallers() throws Exception {
    Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1));
    try {
      String handlerDeployment = await(vertx.deployVerticle(new Binder("t.ctx", (ping, deadline) ->
          Future.succeededFuture(Vertx.currentContext().deploymentID()))));
      OneCall call = new OneCall("t.ctx", 2_000);
      String callerDeployment = await(vertx.deployVerticle(call));
      io.vertx.core.AsyncResult<String> answer = call.outcome.get(10, TimeUnit.SECONDS);
      assertThat(answer.succeeded()).isTrue();
      // timers, clients and promises the handler makes belong to its verticle, not to whoever called it
      assertThat(answer.result()).isEqualTo(handlerDeployment);
      assertThat(call.callbackDeployment).isEqualTo(callerDeployment);
      Counter own = Metrics.of(vertx).find("edge_bus_requests_total").tags("address", "t.ctx", "target", "own_loop").counter();
      assertThat(own).isNotNull();
      assertThat(own.count()).isEqualTo(1);
    } finally {
      await(vertx.close());
    }
  }

  @Test
  void aHandlerOnTheCallersThreadIsHeldToTheDeadlineAndKeepsItsOutcomes() throws Exception {
    Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1));
    try {
      await(vertx.deployVerticle(new Binder("t.never", (ping, deadline) -> io.vertx.core.Promise.<String>promise().future())));
      await(vertx.deployVerticle(new Binder("t.throttled", (ping, deadline) ->
          Future.failedFuture(new OutcomeException(Outcome.UPSTREAM_THROTTLED, "slow down", 7)))));
      OneCall hanging = new OneCall("t.never", 150);
      OneCall throttled = new OneCall("t.throttled", 2_000);
      await(vertx.deployVerticle(hanging));
      await(vertx.deployVerticle(throttled));
      io.vertx.core.AsyncResult<String> late = hanging.outcome.get(10, TimeUnit.SECONDS);
      assertThat(late.failed()).isTrue();
      assertThat(OutcomeException.outcomeOf(late.cause())).isEqualTo(Outcome.TIMEOUT);
      io.vertx.core.AsyncResult<String> refused = throttled.outcome.get(10, TimeUnit.SECONDS);
      assertThat(refused.cause()).isInstanceOf(OutcomeException.class);
      assertThat(((OutcomeException) refused.cause()).outcome()).isEqualTo(Outcome.UPSTREAM_THROTTLED);
      assertThat(((OutcomeException) refused.cause()).retryAfterSeconds()).isEqualTo(7);
    } finally {
      await(vertx.close());
    }
  }
}
