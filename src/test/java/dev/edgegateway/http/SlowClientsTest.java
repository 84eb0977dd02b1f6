package dev.edgegateway.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.edgegateway.Awaits;
import dev.edgegateway.TestGateway;
import dev.edgegateway.metrics.Metrics;
import io.micrometer.core.instrument.Counter;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Finding 4 of issue 15 (slowloris) over raw blocking sockets on loopback: a client trickling its headers, one
 * trickling its body and one saying nothing are each closed within their deadline, however slowly they keep
 * sending; connections past the cap are closed as they open. Each test waits on the close itself (a read that
 * answers end of stream), bounded by the socket's read timeout. Before the guard every such socket stayed open and
 * the reads timed out.
 */
class SlowClientsTest {
  private Vertx vertx;
  private TestGateway env;
  private ScheduledExecutorService trickler;
  private final List<Socket> sockets = new ArrayList<>();

  @BeforeEach
  void setUp() {
    vertx = Vertx.vertx();
    trickler = Executors.newSingleThreadScheduledExecutor();
  }

  @AfterEach
  void tearDown() throws Exception {
    trickler.shutdownNow();
    for (Socket socket : sockets) {
      socket.close();
    }
    if (env != null) {
      await(env.stop());
    }
    await(vertx.close());
  }

  private static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  private void start(Map<String, String> extra) throws Exception {
    Map<String, String> env = new HashMap<>(Map.of("EDGE_HTTP_INSTANCES", "1"));
    env.putAll(extra);
    this.env = await(TestGateway.start(vertx, env));
  }

  private Socket open(int port) throws IOException {
    Socket socket = new Socket("127.0.0.1", port);
    socket.setSoTimeout(10_000);
    sockets.add(socket);
    return socket;
  }

  /** Writes one byte of {@code text} every {@code everyMs}, from another thread, until the socket fails. */
  private void trickle(Socket socket, String text, long everyMs) throws IOException {
    OutputStream out = socket.getOutputStream();
    byte[] bytes = text.getBytes(StandardCharsets.US_ASCII);
    int[] next = {0};
    trickler.scheduleAtFixedRate(() -> {
      try {
        out.write(bytes[next[0]++ % bytes.length]);
        out.flush();
      } catch (IOException closed) {
        throw new IllegalStateException(closed); // ends this trickle
      }
    }, 0, everyMs, TimeUnit.MILLISECONDS);
  }

  /** Reads until the server closes; the milliseconds that took. A socket still open after 10 s fails the test. */
  private static long millisUntilClosed(Socket socket, long startNanos) throws IOException {
    InputStream in = socket.getInputStream();
    try {
      while (in.read() != -1) {
        // an answer (there should be none) is skipped: only the close counts
      }
    } catch (SocketTimeoutException stillOpen) {
      throw new AssertionError("the connection was still open after 10 s", stillOpen);
    } catch (IOException reset) {
      // a reset is a close too
    }
    return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
  }

  /**
   * The gateway's count of connections it closed for {@code reason}, once it is {@code expected}: the client can see
   * the close a moment before the server's close handler has run, so this waits for it (on a Vert.x timer, 5 s at
   * most) and then reads it.
   */
  private double closed(String listener, String reason, double expected) throws Exception {
    try {
      await(Awaits.until(vertx, () -> closed(listener, reason) == expected, 5_000));
    } catch (java.util.concurrent.ExecutionException notThere) {
      // the assertion after says what it was
    }
    return closed(listener, reason);
  }

  private double closed(String listener, String reason) {
    Counter counter = Metrics.of(vertx).find("edge_http_connections_closed_total")
        .tags("listener", listener, "reason", reason).counter();
    return counter == null ? 0 : counter.count();
  }

  /** One keep-alive GET on {@code socket} and its whole answer's status line. */
  private static String get(Socket socket, String path) throws IOException {
    socket.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
    InputStream in = socket.getInputStream();
    StringBuilder head = new StringBuilder();
    while (!head.toString().endsWith("\r\n\r\n")) {
      int b = in.read();
      if (b < 0) {
        throw new IOException("closed before the answer: " + head);
      }
      head.append((char) b);
    }
    int length = 0;
    for (String line : head.toString().split("\r\n")) {
      if (line.regionMatches(true, 0, "Content-Length:", 0, 15)) {
        length = Integer.parseInt(line.substring(15).trim());
      }
    }
    in.readNBytes(length);
    return head.substring(0, head.indexOf("\r\n"));
  }

  @Test
  void headersTrickledByteByByteAreCutAtTheHeaderTimeout() throws Exception {
    start(Map.of("EDGE_HTTP_HEADER_TIMEOUT_MS", "400", "EDGE_HTTP_IDLE_TIMEOUT_S", "60"));
    Socket socket = open(env.gateway.httpPort());
    long startNanos = System.nanoTime();
    // a byte every 50 ms keeps the idle timer from ever firing: only the header deadline can end this
    trickle(socket, "GET /v1/recommendations/k-home HTTP/1.1\r\nX-Slow: " + "a".repeat(10_000), 50);
    long tookMs = millisUntilClosed(socket, startNanos);
    assertThat(tookMs).isBetween(350L, 3_000L);
    assertThat(closed("api", "header", 1)).isEqualTo(1);
  }

  @Test
  void aSilentConnectionIsClosedByTheIdleTimeout() throws Exception {
    start(Map.of("EDGE_HTTP_HEADER_TIMEOUT_MS", "60000", "EDGE_HTTP_IDLE_TIMEOUT_S", "1"));
    long startNanos = System.nanoTime();
    Socket socket = open(env.gateway.httpPort());
    long tookMs = millisUntilClosed(socket, startNanos);
    assertThat(tookMs).isBetween(900L, 4_000L);
    assertThat(closed("api", "idle", 1)).isEqualTo(1);
  }

  @Test
  void aBodyTrickledByteByByteIsCutAtTheBodyTimeout() throws Exception {
    start(Map.of("EDGE_HTTP_BODY_TIMEOUT_MS", "500", "EDGE_HTTP_HEADER_TIMEOUT_MS", "60000", "EDGE_HTTP_IDLE_TIMEOUT_S", "60"));
    Socket socket = open(env.gateway.httpPort());
    socket.getOutputStream().write(("POST /v1/events HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        + "Content-Length: 60000\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
    long startNanos = System.nanoTime();
    trickle(socket, "[{\"type\":\"x\"}, ", 50);
    long tookMs = millisUntilClosed(socket, startNanos);
    assertThat(tookMs).isBetween(450L, 3_000L);
    assertThat(closed("api", "body", 1)).isEqualTo(1);
  }

  @Test
  void connectionsPastTheCapAreClosedAndTheOthersKeepServing() throws Exception {
    start(Map.of("EDGE_HTTP_MAX_CONNECTIONS", "3"));
    List<Socket> admitted = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      Socket socket = open(env.gateway.httpPort());
      assertThat(get(socket, "/v1/recommendations/k-home")).startsWith("HTTP/1.1 200");
      admitted.add(socket);
    }
    Socket fourth = open(env.gateway.httpPort());
    millisUntilClosed(fourth, System.nanoTime());
    assertThat(closed("api", "cap", 1)).isEqualTo(1);
    assertThat(Metrics.of(vertx).find("edge_http_connections").tags("listener", "api").gauge().value()).isEqualTo(3);
    for (Socket socket : admitted) {
      assertThat(get(socket, "/v1/recommendations/k-home")).startsWith("HTTP/1.1 200");
    }
  }

  @Test
  void aKeepAliveClientBetweenPagesIsNotTakenForASlowloris() throws Exception {
    start(Map.of("EDGE_HTTP_HEADER_TIMEOUT_MS", "300", "EDGE_HTTP_IDLE_TIMEOUT_S", "5"));
    Socket socket = open(env.gateway.httpPort());
    assertThat(get(socket, "/v1/recommendations/k-home")).startsWith("HTTP/1.1 200");
    // the next page comes well after the header timeout, well inside the idle one
    String second = trickler.schedule(() -> get(socket, "/v1/recommendations/k-home"), 900, TimeUnit.MILLISECONDS)
        .get(10, TimeUnit.SECONDS);
    assertThat(second).startsWith("HTTP/1.1 200");
    assertThat(closed("api", "header")).isZero();
  }

  @Test
  void theOpsPortClosesSlowClientsToo() throws Exception {
    start(Map.of("EDGE_HTTP_HEADER_TIMEOUT_MS", "300", "EDGE_HTTP_IDLE_TIMEOUT_S", "60"));
    Socket socket = open(env.gateway.opsPort());
    long startNanos = System.nanoTime();
    trickle(socket, "GET /metrics HTTP/1.1\r\nX-Slow: " + "a".repeat(10_000), 50);
    assertThat(millisUntilClosed(socket, startNanos)).isBetween(250L, 3_000L);
    assertThat(closed("ops", "header", 1)).isEqualTo(1);
  }
}
