package dev.edgegateway.cache;

import dev.edgegateway.flow.Futures;
import dev.edgegateway.flow.Outcome;
import dev.edgegateway.flow.OutcomeException;
import dev.edgegateway.metrics.Metrics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxException;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.io.IOException;
import java.net.ConnectException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Redis client (one connection pool) and its health, shared by every {@link RedisCache} of a process.
 *
 * <p>Every command goes through {@link #send}: bounded by {@code commandTimeoutMs}, timed and counted. The
 * backend keeps an up/down flag. It goes down when a connection is refused or closed, or after
 * {@code failuresBeforeDown} consecutive failures or timeouts; while down, commands fail at once with
 * {@link Outcome#UNAVAILABLE} without touching the network, so a dead Redis costs a request nothing. One
 * probe loop then PINGs through the pool with exponential backoff ({@code reconnectInitialBackoffMs} doubling
 * up to {@code reconnectMaxBackoffMs}); the pool opens a fresh connection for it, and the first PONG puts
 * the backend back up. Only the probe brings it up, so there is exactly one probe loop per outage.
 *
 * <p>Sentinel and Cluster: a killed primary closes its connections (down, then the probe's fresh connection asks
 * the sentinels or the cluster for the current primary). A primary demoted but alive (a manual or network-split
 * failover) keeps its connections open and answers writes with {@code READONLY}: that reply marks the backend down
 * and replaces the client, so that no pooled connection to the demoted node is used again.
 *
 * <p>Metrics: {@code edge_redis_commands_total{client,command,result}} (result: ok, error, timeout, down),
 * {@code edge_redis_command_seconds{client,command}}, {@code edge_redis_up{client}} (1 or 0) and
 * {@code edge_redis_state_changes_total{client,state}}.
 */
public final class RedisBackend {
  private static final Logger LOG = LoggerFactory.getLogger(RedisBackend.class);
  private static final OutcomeException DOWN = new OutcomeException(Outcome.UNAVAILABLE, "redis is down");
  private static final OutcomeException CLOSED = new OutcomeException(Outcome.UNAVAILABLE, "redis client closed");

  private final Vertx vertx;
  private final RedisCacheOptions options;
  private volatile Redis redis;
  private final AtomicBoolean up = new AtomicBoolean(true);
  private final AtomicInteger consecutiveFailures = new AtomicInteger();
  /** Down because a connection was lost or refused (or reached a replica), not merely because commands were slow. */
  private volatile boolean lost;
  private volatile boolean closed;
  private volatile long probeTimer = -1;

  private final MeterRegistry registry;
  private final String clientTag;
  private final Map<String, CommandMeters> meters = new ConcurrentHashMap<>();
  private final Counter wentDown;
  private final Counter cameUp;

  private RedisBackend(Vertx vertx, RedisCacheOptions options) {
    this.vertx = vertx;
    this.options = options;
    this.redis = Redis.createClient(vertx, this.options.toRedisOptions());
    this.registry = Metrics.of(vertx);
    this.clientTag = this.options.clientName();
    Metrics.gauge("edge_redis_up",
        this, backend -> backend.isHealthy() ? 1 : 0).tag("client", clientTag).register(registry);
    this.wentDown = Metrics.counter(registry, "edge_redis_state_changes_total", "client", clientTag, "state", "down");
    this.cameUp = Metrics.counter(registry, "edge_redis_state_changes_total", "client", clientTag, "state", "up");
  }

  /**
   * Creates the client and sends a first PING (not awaited): a Redis that is unreachable at start is
   * marked down within one command timeout, and the probe loop takes over.
   */
  public static RedisBackend create(Vertx vertx, RedisCacheOptions options) {
    RedisBackend backend = new RedisBackend(vertx, options);
    LOG.info("redis cache tier: client={} type={} endpoints={} commandTimeoutMs={}", backend.clientTag,
        backend.options.type(), backend.options.redactedEndpoints(), backend.options.commandTimeoutMs());
    backend.send("ping", Request.cmd(Command.PING));
    return backend;
  }

  public RedisCacheOptions options() {
    return options;
  }

  /** Whether Redis answers, for readiness checks. */
  public boolean isHealthy() {
    return up.get() && !closed;
  }

  /**
   * Whether a command sent with {@link #sendPatient} would go out: up, or down only because commands were slow
   * (timeouts and failures in a row, which a cache read treats as down to fail fast). False once a connection was
   * refused or lost, until the probe brings the backend up.
   */
  public boolean isReachable() {
    return !closed && (up.get() || !lost);
  }

  /** The full Redis key of a cache key: {@code <prefix><key>}. */
  public String key(String key) {
    return options.keyPrefix() + key;
  }

  /**
   * Sends one command for a writer that may wait longer than a cache read (the events outbox): bounded by
   * {@code timeoutMs}, not by the command timeout, and sent while the backend is down only because commands were
   * slow (see {@link #isReachable}). Its timeouts do not count towards the down verdict of the reads; a lost
   * connection does, as for {@link #send}. A TIMEOUT failure means the command may have run.
   */
  public Future<Response> sendPatient(String command, Request request, long timeoutMs) {
    return sendIf(isReachable(), command, request, timeoutMs, false);
  }

  /**
   * Sends one command through the pool, bounded by the command timeout. Fails at once while Redis is down.
   * Failures are {@link OutcomeException}s: TIMEOUT, UNAVAILABLE (connection trouble) or UPSTREAM_ERROR
   * (Redis answered with an error). A {@code null} response is Redis' nil.
   *
   * @param command lower-case command name for the metric tag (bounded set: get, set, del, ping, ...)
   */
  public Future<Response> send(String command, Request request) {
    return sendIf(up.get(), command, request, options.commandTimeoutMs(), true);
  }

  /** Sends the command when {@code goesOut} (and not closed), bounded by {@code timeoutMs}; else fails at once. */
  private Future<Response> sendIf(boolean goesOut, String command, Request request, long timeoutMs,
      boolean countsSlowness) {
    CommandMeters m = meters.computeIfAbsent(command, this::newMeters);
    if (closed || !goesOut) {
      m.down.increment();
      return Future.failedFuture(closed ? CLOSED : DOWN);
    }
    long started = System.nanoTime();
    // not Futures.attempt: every Redis command passes here, and its lambda would capture request and this
    Future<Response> sent;
    try {
      sent = redis.send(request);
    } catch (RuntimeException e) {
      sent = Future.failedFuture(e);
    }
    return sent.timeout(timeoutMs, TimeUnit.MILLISECONDS).transform(ar -> {
      m.latency.record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
      if (ar.succeeded()) {
        m.ok.increment();
        if (countsSlowness) {
          consecutiveFailures.set(0);
        }
        return Future.succeededFuture(ar.result());
      }
      return Future.failedFuture(onFailure(command, m, ar.cause(), countsSlowness));
    });
  }

  private OutcomeException onFailure(String command, CommandMeters m, Throwable cause, boolean countsSlowness) {
    if (cause instanceof TimeoutException) {
      m.timeout.increment();
      if (countsSlowness) {
        countFailure(false, "timeout");
      }
      return new OutcomeException(Outcome.TIMEOUT, "redis " + command + " timed out");
    }
    m.error.increment();
    if (cause instanceof Response && isStaleTopology(cause)) {
      // a connection to a node that is no longer the primary (Sentinel failover): start over on a fresh pool
      markDown("READONLY reply: the primary moved", true, true);
      return new OutcomeException(Outcome.UNAVAILABLE, "redis " + command + " reached a replica");
    }
    if (isCrossSlot(cause)) {
      // keys of several cluster slots in one command (refused by the client or the node): a bug, not an outage
      return new OutcomeException(Outcome.UPSTREAM_ERROR, "redis " + command + " refused: CROSSSLOT");
    }
    if (cause instanceof Response && !isConnectionLoss(cause)) {
      // Redis answered (an error reply such as WRONGTYPE or OOM): it is alive, so this is no outage
      return new OutcomeException(Outcome.UPSTREAM_ERROR, "redis " + command + " error reply");
    }
    if (isPoolSaturated(cause)) {
      // our own pool is busy, Redis is not at fault: shed this command without counting an outage
      return new OutcomeException(Outcome.OVERLOADED, "redis " + command + " rejected: connection pool queue full");
    }
    if (countsSlowness || isConnectionLoss(cause)) {
      countFailure(isConnectionLoss(cause), cause.getClass().getSimpleName());
    }
    return new OutcomeException(Outcome.UNAVAILABLE, "redis " + command + " failed: " + cause.getClass().getSimpleName());
  }

  private static boolean isCrossSlot(Throwable cause) {
    String message = cause.getMessage();
    return message != null && message.contains("CROSSSLOT");
  }

  private static boolean isStaleTopology(Throwable cause) {
    String message = cause.getMessage();
    return message != null && message.startsWith("READONLY");
  }

  private static boolean isPoolSaturated(Throwable cause) {
    String message = cause.getMessage();
    return message != null && message.contains("max wait queue");
  }

  private static boolean isConnectionLoss(Throwable cause) {
    if (cause instanceof ConnectException || cause instanceof IOException) {
      return true; // refused, reset, closed channel
    }
    String message = cause.getMessage();
    if (cause instanceof Response) {
      // the client fails commands pending on a dropped connection with a pseudo error reply
      return (message != null && message.startsWith("CONNECTION_CLOSED")) || cause.getCause() != null;
    }
    return cause instanceof VertxException && message != null && message.toLowerCase(java.util.Locale.ROOT).contains("closed");
  }

  private void countFailure(boolean connectionLoss, String reason) {
    int failures = consecutiveFailures.incrementAndGet();
    if (connectionLoss || failures >= options.failuresBeforeDown()) {
      markDown(reason, false, connectionLoss);
    }
  }

  private void markDown(String reason, boolean renewClient, boolean connectionLost) {
    if (connectionLost) {
      lost = true; // also when already down for slowness: the patient writers stop too
    }
    if (closed || !up.compareAndSet(true, false)) {
      return;
    }
    if (renewClient) {
      Redis stale = redis;
      redis = Redis.createClient(vertx, options.toRedisOptions());
      stale.close();
    }
    wentDown.increment();
    LOG.warn("redis cache tier down (client={}, {}): serving from memory and upstreams, probing every {}..{} ms",
        clientTag, reason, options.reconnectInitialBackoffMs(), options.reconnectMaxBackoffMs());
    scheduleProbe(options.reconnectInitialBackoffMs());
  }

  private void scheduleProbe(long delayMs) {
    if (closed) {
      return;
    }
    try {
      probeTimer = vertx.setTimer(delayMs, id -> probe(delayMs));
    } catch (RuntimeException e) {
      // Vert.x is closing: nothing left to recover for
      LOG.debug("redis probe not scheduled: {}", e.toString());
    }
  }

  private void probe(long lastDelayMs) {
    if (closed) {
      return;
    }
    CommandMeters m = meters.computeIfAbsent("probe", this::newMeters);
    long started = System.nanoTime();
    Future<Response> ping = Futures.attempt(() -> redis.send(Request.cmd(Command.PING)));
    ping.timeout(options.connectTimeoutMs() + options.commandTimeoutMs(), TimeUnit.MILLISECONDS)
        .onComplete(ar -> {
          m.latency.record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
          if (ar.succeeded()) {
            m.ok.increment();
            consecutiveFailures.set(0);
            lost = false;
            if (!closed && up.compareAndSet(false, true)) {
              cameUp.increment();
              LOG.info("redis cache tier back up (client={})", clientTag);
            }
          } else {
            (ar.cause() instanceof TimeoutException ? m.timeout : m.error).increment();
            scheduleProbe(Math.min(lastDelayMs * 2, options.reconnectMaxBackoffMs()));
          }
        });
  }

  /** The Vert.x instance the client runs on (for helpers that open short-lived connections, e.g. a purge's). */
  Vertx vertx() {
    return vertx;
  }

  /** Stops probing and closes the pool. Commands sent afterwards fail at once. */
  public Future<Void> close() {
    if (closed) {
      return Future.succeededFuture();
    }
    closed = true;
    long timer = probeTimer;
    if (timer >= 0) {
      vertx.cancelTimer(timer);
    }
    return redis.close().recover(t -> Future.succeededFuture());
  }

  private CommandMeters newMeters(String command) {
    return new CommandMeters(
        Metrics.counter(registry, "edge_redis_commands_total", "client", clientTag, "command", command, "result", "ok"),
        Metrics.counter(registry, "edge_redis_commands_total",
            "client", clientTag, "command", command, "result", "error"),
        Metrics.counter(registry, "edge_redis_commands_total",
            "client", clientTag, "command", command, "result", "timeout"),
        Metrics.counter(registry, "edge_redis_commands_total", "client", clientTag, "command", command, "result", "down"),
        Metrics.timer("edge_redis_command_seconds").tags("client", clientTag, "command", command).register(registry));
  }

  private record CommandMeters(Counter ok, Counter error, Counter timeout, Counter down, Timer latency) {
  }
}
