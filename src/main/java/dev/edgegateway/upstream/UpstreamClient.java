package dev.edgegateway.upstream;

import dev.edgegateway.flow.Deadline;
import dev.edgegateway.flow.FailureClass;
import dev.edgegateway.flow.Futures;
import dev.edgegateway.flow.Outcome;
import dev.edgegateway.flow.OutcomeException;
import dev.edgegateway.flow.TraceContext;
import dev.edgegateway.metrics.Metrics;
import dev.edgegateway.tracing.Spans;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.vertx.circuitbreaker.CircuitBreaker;
import io.vertx.circuitbreaker.CircuitBreakerOptions;
import io.vertx.circuitbreaker.CircuitBreakerState;
import io.vertx.circuitbreaker.OpenCircuitException;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.tracing.TracingPolicy;
import java.util.EnumMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * Every call to one upstream goes through here: a per-attempt timeout capped by the request's deadline,
 * a circuit breaker that only counts the upstream's own failures (not its 4xx answers, nor an answer over the size
 * cap), retries with backoff that honour {@code Retry-After} when the deadline allows, an answer body read up to
 * {@link UpstreamOptions#maxResponseBytes} and cut off past it, and one timer per outcome. Every attempt carries a
 * W3C {@code traceparent}: the deadline's trace with a new span id. Failures are always {@link OutcomeException}s,
 * with their {@link FailureClass}.
 */
public final class UpstreamClient {
  private final Vertx vertx;
  private final String name;
  private final UpstreamOptions options;
  // the core client, not WebClient: its interceptor chain and body codecs cost time on every call, for nothing
  // the gateway uses (it reads every answer whole, as a Buffer)
  private final HttpClient client;
  private final Guard guard;
  private final CircuitBreaker breaker;
  private final AtomicBoolean closed = new AtomicBoolean();

  /**
   * What the clients of one upstream share, whichever event loop they run on: one circuit breaker (the
   * upstream is one service, whatever thread finds it failing) and any more made for parts of it
   * ({@link #newBreaker}), one connection budget, and its metrics.
   */
  public static final class Guard {
    private final Vertx vertx;
    private final String name;
    private final UpstreamOptions options;
    private final CircuitBreaker breaker;
    /** Every live breaker of this upstream: the gauge shows whether any is open. */
    private final Set<CircuitBreaker> breakers = ConcurrentHashMap.newKeySet();
    private final int clients;
    private final Map<Outcome, Timer> timers = new EnumMap<>(Outcome.class);
    private final Counter retries;
    private final Counter oversize;
    private final AtomicInteger open = new AtomicInteger();
    private final AtomicInteger inFlight = new AtomicInteger();

    /**
     * @param clients how many clients (one per event loop) will share the connection budget: each gets its
     *     share of {@code maxPoolSize} and {@code maxWaitQueue}, so the upstream sees the configured total
     */
    public Guard(Vertx vertx, String name, UpstreamOptions options, int clients) {
      this.vertx = vertx;
      this.name = name;
      this.options = options;
      this.clients = Math.max(1, clients);
      this.breaker = newBreaker("");
      MeterRegistry registry = Metrics.of(vertx);
      for (Outcome outcome : Outcome.values()) {
        timers.put(outcome, Metrics.timer("edge_upstream_request_seconds")
            .tag("upstream", name).tag("outcome", outcome.tag())
            .publishPercentileHistogram(false)
            .register(registry));
      }
      this.retries = Metrics.counter(registry, "edge_upstream_retries_total", "upstream", name);
      this.oversize = Metrics.counter(registry, "edge_upstream_oversize_total", "upstream", name);
      // requests sent and not yet answered, over all event loops: near maxPoolSize means calls queue for a connection
      Metrics.gauge("edge_upstream_in_flight", inFlight, AtomicInteger::get)
          .tag("upstream", name).register(registry);
      Metrics.gauge("edge_upstream_circuit_open", breakers,
              all -> all.stream().anyMatch(b -> b.state() != CircuitBreakerState.CLOSED) ? 1 : 0)
          .tag("upstream", name).register(registry);
    }

    /**
     * A breaker of its own for one part of this upstream (e.g. one search host), with the upstream's options, for
     * {@link UpstreamClient#send(UpstreamRequest, Deadline, CircuitBreaker)}; {@link #forget} it when done.
     */
    public CircuitBreaker newBreaker(String part) {
      CircuitBreaker made = CircuitBreaker.create("edge-" + name + (part.isEmpty() ? "" : "-" + part), vertx,
              new CircuitBreakerOptions()
                  .setMaxFailures(options.breakerMaxFailures())
                  .setResetTimeout(options.breakerResetMs())
                  .setFailuresRollingWindow(options.breakerWindowMs())
                  .setTimeout(-1)
                  .setNotificationLocalOnly(true))
          .failurePolicy(future -> future.failed() && countsAgainstBreaker(future.cause()));
      breakers.add(made);
      return made;
    }

    /** Closes a breaker of {@link #newBreaker}. */
    public void forget(CircuitBreaker made) {
      if (made != breaker && breakers.remove(made)) {
        made.close();
      }
    }

    /** The upstream's own failures: not its 4xx answers, nor an answer over the cap (its size follows from the ask). */
    private static boolean countsAgainstBreaker(Throwable failure) {
      return OutcomeException.outcomeOf(failure) != Outcome.UPSTREAM_REJECTED
          && !(failure instanceof OutcomeException oe && oe.is(FailureClass.UPSTREAM_OVERSIZE));
    }

    private static int share(int total, int clients) {
      return Math.max(1, (total + clients - 1) / clients);
    }
  }

  /** The only client of its upstream. */
  public UpstreamClient(Vertx vertx, String name, UpstreamOptions options) {
    this(vertx, new Guard(vertx, name, options, 1));
  }

  /** One of the clients sharing {@code guard}; call it on the event loop it will send from. */
  public UpstreamClient(Vertx vertx, Guard guard) {
    this.vertx = vertx;
    this.guard = guard;
    this.name = guard.name;
    this.options = guard.options;
    this.breaker = guard.breaker;
    this.client = vertx.createHttpClient(new HttpClientOptions()
            .setConnectTimeout(options.connectTimeoutMs())
            .setKeepAlive(true)
            // with spans exported, a call of no request's trace (outbox, refresh) gets a trace of its own
            .setTracingPolicy(TracingPolicy.ALWAYS),
        new PoolOptions()
            .setHttp1MaxSize(Guard.share(options.maxPoolSize(), guard.clients))
            .setMaxWaitQueueSize(options.maxWaitQueue() < 0 ? -1 : Guard.share(options.maxWaitQueue(), guard.clients)));
    guard.open.incrementAndGet();
  }

  public String name() {
    return name;
  }

  public CircuitBreakerState circuitState() {
    return breaker.state();
  }

  /** Sends {@code request} (again on a retry), expecting a 2xx answer, read whole. */
  public Future<UpstreamResponse> send(UpstreamRequest request, Deadline deadline) {
    return send(request, deadline, breaker);
  }

  /** {@link #send(UpstreamRequest, Deadline)} through one of the guard's other breakers ({@link Guard#newBreaker}). */
  public Future<UpstreamResponse> send(UpstreamRequest request, Deadline deadline, CircuitBreaker through) {
    return attempt(request, deadline, through, Future::succeededFuture, 0);
  }

  /**
   * {@link #send(UpstreamRequest, Deadline)}, the 2xx answer then read by {@code read} as part of the call: an answer
   * it cannot read (cut-off JSON, the wrong shape) fails the call as {@link FailureClass#UPSTREAM_UNREADABLE} and
   * counts against the breaker, as any other failure of the upstream's; it is not retried.
   */
  public <T> Future<T> send(UpstreamRequest request, Deadline deadline, Function<UpstreamResponse, Future<T>> read) {
    return send(request, deadline, breaker, read);
  }

  /** {@link #send(UpstreamRequest, Deadline, Function)} through one of the guard's other breakers. */
  public <T> Future<T> send(UpstreamRequest request, Deadline deadline, CircuitBreaker through,
      Function<UpstreamResponse, Future<T>> read) {
    return attempt(request, deadline, through, read, 0);
  }

  private <T> Future<T> attempt(UpstreamRequest request, Deadline deadline, CircuitBreaker through,
      Function<UpstreamResponse, Future<T>> read, int attempt) {
    long budget = Math.min(options.timeoutMs(), deadline.remainingMillis());
    if (budget <= 0) {
      return Future.failedFuture(new OutcomeException(Outcome.TIMEOUT, name + ": no time left for a call"));
    }
    long started = System.nanoTime();
    Future<T> call = through.<T>execute(() -> {
      // a malformed URL throws here, before the call counts as in flight; the breaker fails the call with it
      // the half-open trial gets at most half the open time: a trial stuck on an upstream that hung when it was sent
      // would otherwise keep the circuit from closing for a whole timeout after the upstream came back
      long own = through.state() == CircuitBreakerState.HALF_OPEN ? Math.min(budget, trialBudgetMs()) : budget;
      RequestOptions sending = request.toOptions(own);
      guard.inFlight.incrementAndGet();
      return new BoundedExchange(own, through).run(sending, request.body(), deadline.trace())
          .andThen(done -> guard.inFlight.decrementAndGet())
          .recover(t -> Future.failedFuture(UpstreamFailures.classify(name, t)))
          .compose(answer -> UpstreamFailures.checkStatus(name, answer))
          .compose(answer -> readAnswer(read, answer));
    }).recover(t -> Future.failedFuture(t instanceof OpenCircuitException
        ? new OutcomeException(Outcome.CIRCUIT_OPEN, FailureClass.CIRCUIT_OPEN, name + ": circuit open",
            options.breakerResetMs() / 1000 + 1)
        : OutcomeException.of(t)));
    return call.andThen(ar -> guard.timers.get(ar.succeeded() ? Outcome.OK : OutcomeException.outcomeOf(ar.cause()))
            .record(System.nanoTime() - started, TimeUnit.NANOSECONDS))
        .recover(failure -> {
          long delay = UpstreamFailures.retryDelay(options, failure, attempt);
          if (delay < 0 || delay + 1 >= deadline.remainingMillis()) {
            return Future.failedFuture(failure);
          }
          guard.retries.increment();
          Promise<T> retried = Promise.promise();
          vertx.setTimer(Math.max(1, delay), id -> attempt(request, deadline, through, read, attempt + 1)
              .onComplete(retried));
          return retried.future();
        });
  }

  /**
   * One HTTP exchange (the request sent, the answer's status, headers and whole body) that ends within its budget
   * whatever the upstream does. Vert.x's own request timeout is an idle timeout: an upstream that trickles a byte
   * now and then would hold the call, and the single flight waiting on it, for as long as it likes.
   */
  private final class BoundedExchange implements Handler<Long> {
    private final Promise<UpstreamResponse> answered = Promise.promise();
    private final long timer;
    // set once the pool hands out the request: the timer resets it, which frees the connection
    private volatile HttpClientRequest request;

    private final CircuitBreaker through;

    BoundedExchange(long budgetMs, CircuitBreaker through) {
      this.timer = vertx.setTimer(budgetMs, this);
      this.through = through;
    }

    /**
     * Sends with a {@code traceparent} of its own: in {@code trace}, or in a new trace when the call has none. With
     * spans exported, Vert.x's tracer writes it (its client span's, named for the upstream) and this adds none.
     */
    Future<UpstreamResponse> run(RequestOptions sending, Buffer body, TraceContext trace) {
      boolean traced = Spans.traced(vertx);
      Future<HttpClientRequest> obtaining = traced
          ? Spans.inTrace(vertx, trace, () -> client.request(sending.setTraceOperation(sending.getMethod() + " " + name)))
          : client.request(sending);
      obtaining
          .compose(obtained -> {
            request = obtained;
            if (answered.future().isComplete()) { // the budget ran out while waiting for a connection
              obtained.reset();
              return Future.failedFuture(answered.future().cause());
            }
            if (through.state() == CircuitBreakerState.OPEN) {
              // the breaker let this call in, then opened while it waited for a connection: a failing upstream
              // would otherwise get the whole queue, one call after the other
              obtained.reset();
              return Future.failedFuture(new OutcomeException(Outcome.CIRCUIT_OPEN, FailureClass.CIRCUIT_OPEN,
                  name + ": circuit open", options.breakerResetMs() / 1000 + 1));
            }
            if (!traced) { // else the tracer adds its own, and a second traceparent would go with it
              putTrace(obtained, trace);
            }
            return body == null ? obtained.send() : obtained.send(body);
          })
          .compose(this::readBounded)
          .onComplete(done -> {
            if (done.succeeded() ? answered.tryComplete(done.result()) : answered.tryFail(done.cause())) {
              vertx.cancelTimer(timer);
            }
          });
      return answered.future();
    }

    /**
     * The answer, its body read as it streams in up to the cap: past it (or when its {@code Content-Length} says it
     * will be) the exchange is reset, so the rest is never read, let alone kept.
     */
    private Future<UpstreamResponse> readBounded(HttpClientResponse answer) {
      return BoundedBody.read(answer, options.maxResponseBytes()).recover(t -> {
        if (t instanceof OutcomeException oe && oe.is(FailureClass.UPSTREAM_OVERSIZE)) {
          guard.oversize.increment();
          reset();
          return Future.failedFuture(new OutcomeException(Outcome.UPSTREAM_ERROR, FailureClass.UPSTREAM_OVERSIZE,
              name + " answer over " + options.maxResponseBytes() + " bytes"));
        }
        return Future.failedFuture(t);
      }).map(body -> new UpstreamResponse(answer.statusCode(), answer.headers(), body));
    }

    private void putTrace(HttpClientRequest sent, TraceContext trace) {
      if (trace == null) {
        sent.putHeader(TraceContext.TRACEPARENT, TraceContext.start().traceparent());
      } else {
        sent.putHeader(TraceContext.TRACEPARENT, trace.childTraceparent());
        if (trace.traceState() != null) {
          sent.putHeader(TraceContext.TRACESTATE, trace.traceState());
        }
      }
    }

    /** The budget ran out. */
    @Override
    public void handle(Long timerId) {
      if (answered.tryFail(new OutcomeException(Outcome.TIMEOUT, FailureClass.UPSTREAM_TIMEOUT, name + " timed out"))) {
        reset();
      }
    }

    /** Frees the connection: the rest of the exchange is thrown away. */
    private void reset() {
      HttpClientRequest sent = request;
      if (sent != null) {
        sent.reset();
      }
    }
  }

  /** Longest a half-open breaker's trial call may take: half the open time, at least 100 ms. */
  long trialBudgetMs() {
    return Math.max(100, options.breakerResetMs() / 2);
  }

  /** The caller's reading of a 2xx answer; a failure or a throw is the upstream's: its answer was unreadable. */
  private <T> Future<T> readAnswer(Function<UpstreamResponse, Future<T>> read, UpstreamResponse answer) {
    return Futures.attempt(() -> read.apply(answer)).recover(t -> {
      if (t instanceof OutcomeException oe && oe.is(FailureClass.UPSTREAM_UNREADABLE)) {
        return Future.failedFuture(oe);
      }
      // the JIT may throw its preallocated exceptions, without a message: the class still says what broke
      String why = t.getMessage() != null ? t.getMessage() : t.getClass().getSimpleName();
      return Future.failedFuture(new OutcomeException(Outcome.UPSTREAM_ERROR, FailureClass.UPSTREAM_UNREADABLE,
          name + " answer unreadable: " + why));
    });
  }

  public Future<Void> close() {
    if (closed.compareAndSet(false, true)) {
      client.close();
      // the breakers go with the last of their clients
      if (guard.open.decrementAndGet() == 0) {
        guard.breakers.forEach(CircuitBreaker::close);
      }
    }
    return Future.succeededFuture();
  }
}
