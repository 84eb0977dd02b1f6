package dev.edgegateway.loadtest;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Iterator;
import java.util.Locale;
import java.util.TreeMap;
import org.HdrHistogram.Histogram;

/**
 * The burst scenario's client: N requests for the same page fired at once, on N connections opened
 * beforehand, and every response timestamped on arrival.
 *
 * <p>Plain NIO so nothing sits between the clock and the socket: connect all N (and let the server
 * accept them), then write the N requests back to back (the "send span", typically well under 1 ms),
 * then one selector thread reads whatever arrives and notes, per connection, the first byte and the
 * end of the response (Content-Length or chunked). Reported: the leader's latency, the last one's, and
 * the spread between first and last completed response.
 *
 * <pre>java -cp loadtest.jar dev.edgegateway.loadtest.BurstClient --port 18080 --path /v1/recommendations/k
 *      --cookie "__kla_id=..." --n 200 --out burst.json</pre>
 */
public final class BurstClient {

  static final class Conn {
    final int index;
    final SocketChannel ch;
    final ByteArrayOutputStream in = new ByteArrayOutputStream(4096);
    long sentNs;
    long firstByteNs;
    long doneNs;
    int status;
    String xcache;
    String outcome;
    String serverTiming;
    int headerEnd = -1;
    long contentLength = -1;
    boolean chunked;
    String body;

    Conn(int index, SocketChannel ch) {
      this.index = index;
      this.ch = ch;
    }
  }

  public static void main(String[] argv) throws Exception {
    Args a = new Args(argv);
    String host = a.opt("--host", "127.0.0.1");
    if (!host.equals("127.0.0.1") && !host.equals("localhost")) {
      throw new IllegalArgumentException("load only ever targets loopback");
    }
    int port = a.intOpt("--port", 8080);
    String path = a.opt("--path", "/");
    String cookie = a.opt("--cookie", null);
    int n = a.intOpt("--n", 200);
    long timeoutMs = a.longOpt("--timeout-ms", 15_000);
    String out = a.opt("--out", null);
    String bodyOut = a.opt("--body-out", null);
    // one request per connection before the burst (another shopper's cached page): the server has then set up
    // every connection and run its first request, so the burst measures the single-flight, not connection set-up
    String primeCookie = a.opt("--prime-cookie", null);
    // the primed page's path (default: the burst's): a burst on a recsKey never seen primes on one already cached
    String primePath = a.opt("--prime-path", path);
    // priming rounds also warm this client's JIT (a fresh JVM reads 200 answers several times slower than a
    // warm one) and the server's, so the burst's spread is not the speed of interpreted code
    int primeRounds = a.intOpt("--prime-rounds", 1);
    // the simulator's counters are read after the priming, so they count the burst's calls only
    String sim = a.opt("--sim", null);

    byte[] request = request(host, port, path, cookie);

    Conn[] conns = new Conn[n];
    Selector selector = Selector.open();
    try {
      for (int i = 0; i < n; i++) {
        SocketChannel ch = SocketChannel.open();
        ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
        ch.connect(new InetSocketAddress(host, port));
        ch.configureBlocking(false);
        conns[i] = new Conn(i, ch);
      }
      long primeMs = -1;
      if (primeCookie != null) {
        long p0 = System.nanoTime();
        byte[] primeRequest = request(host, port, primePath, primeCookie);
        for (int round = 0; round < Math.max(1, primeRounds); round++) {
          Conn[] primed = new Conn[n];
          for (int i = 0; i < n; i++) {
            primed[i] = new Conn(i, conns[i].ch);
            primed[i].ch.register(selector, SelectionKey.OP_READ, primed[i]);
          }
          fire(primed, primeRequest);
          int left = readAll(selector, primed, System.nanoTime() + timeoutMs * 1_000_000L);
          if (left > 0) {
            throw new IllegalStateException(left + " priming requests were not answered");
          }
        }
        primeMs = (System.nanoTime() - p0) / 1_000_000;
      }
      for (Conn c : conns) {
        c.ch.register(selector, SelectionKey.OP_READ, c);
      }
      Thread.sleep(300); // let the server accept and register every connection before the burst
      JsonObject simBefore = sim == null ? null : SimStats.snapshot(sim);

      long t0 = System.nanoTime();
      long wall0 = System.currentTimeMillis();
      fire(conns, request);
      long sendSpanNs = System.nanoTime() - t0;
      readAll(selector, conns, t0 + timeoutMs * 1_000_000L);

      // ---- results
      long firstDone = Long.MAX_VALUE;
      long lastDone = Long.MIN_VALUE;
      long firstFb = Long.MAX_VALUE;
      long lastFb = Long.MIN_VALUE;
      Histogram hist = LatencyRecorder.newHistogram();
      TreeMap<String, Integer> statuses = new TreeMap<>();
      TreeMap<String, Integer> caches = new TreeMap<>();
      TreeMap<String, Integer> outcomes = new TreeMap<>();
      // how each answer was made, by the phase names in its Server-Timing (coalesced, memory, segments, ...)
      TreeMap<String, Integer> phases = new TreeMap<>();
      long[] doneOffsetsUs = new long[n];
      int completed = 0;
      String sampleBody = null;
      for (Conn c : conns) {
        if (c.doneNs == 0 || c.status == 0) {
          statuses.merge("error", 1, Integer::sum);
          doneOffsetsUs[c.index] = -1;
          continue;
        }
        completed++;
        statuses.merge(Integer.toString(c.status), 1, Integer::sum);
        caches.merge(c.xcache == null ? "none" : c.xcache.toUpperCase(Locale.ROOT), 1, Integer::sum);
        outcomes.merge(c.outcome == null ? "none" : c.outcome.toLowerCase(Locale.ROOT), 1, Integer::sum);
        phases.merge(phaseNames(c.serverTiming), 1, Integer::sum);
        firstDone = Math.min(firstDone, c.doneNs);
        lastDone = Math.max(lastDone, c.doneNs);
        firstFb = Math.min(firstFb, c.firstByteNs);
        lastFb = Math.max(lastFb, c.firstByteNs);
        hist.recordValue(Math.max(1, (c.doneNs - c.sentNs) / 1_000));
        doneOffsetsUs[c.index] = (c.doneNs - t0) / 1_000;
        if (sampleBody == null && c.status == 200) {
          sampleBody = c.body;
        }
      }
      long[] sorted = Arrays.stream(doneOffsetsUs).filter(v -> v >= 0).sorted().toArray();
      JsonObject result = new JsonObject()
          .put("n", n)
          .put("completed", completed)
          .put("started_epoch_ms", wall0)
          .put("send_span_ms", sendSpanNs / 1e6)
          .put("status", new JsonObject(new java.util.HashMap<>(statuses)))
          .put("x_cache", new JsonObject(new java.util.HashMap<>(caches)))
          .put("outcome", new JsonObject(new java.util.HashMap<>(outcomes)))
          .put("server_timing_phases", new JsonObject(new java.util.HashMap<>(phases)))
          .put("latency", LatencyRecorder.percentiles(hist))
          .put("leader_ms", completed == 0 ? null : (firstDone - t0) / 1e6)
          .put("last_ms", completed == 0 ? null : (lastDone - t0) / 1e6)
          .put("spread_ms", completed == 0 ? null : (lastDone - firstDone) / 1e6)
          .put("first_byte_spread_ms", completed == 0 ? null : (lastFb - firstFb) / 1e6)
          .put("sim_before_burst", simBefore)
          .put("primed", primeCookie != null)
          .put("prime_ms", primeMs)
          .put("prime_rounds", primeCookie == null ? 0 : Math.max(1, primeRounds))
          .put("follower_lag", followerLag(sorted));
      JsonArray offs = new JsonArray();
      for (long v : sorted) {
        offs.add(v / 1000.0);
      }
      result.put("done_offsets_ms", offs);
      System.out.println(result.copy().put("done_offsets_ms", "(" + sorted.length + " values)").encode());
      if (out != null) {
        Files.writeString(Path.of(out), result.encodePrettily());
      }
      if (bodyOut != null && sampleBody != null) {
        Files.writeString(Path.of(bodyOut), sampleBody);
      }
    } finally {
      for (Conn c : conns) {
        if (c != null) {
          try {
            c.ch.close();
          } catch (IOException ignored) {
            // closing
          }
        }
      }
      selector.close();
    }
  }

  static byte[] request(String host, int port, String path, String cookie) {
    StringBuilder req = new StringBuilder()
        .append("GET ").append(path).append(" HTTP/1.1\r\n")
        .append("Host: ").append(host).append(':').append(port).append("\r\n")
        .append("Accept: application/json\r\n")
        .append("User-Agent: edge-gateway-loadtest-burst\r\n");
    if (cookie != null) {
      req.append("Cookie: ").append(cookie).append("\r\n");
    }
    return req.append("\r\n").toString().getBytes(StandardCharsets.US_ASCII);
  }

  /** Writes the request on every connection, back to back. */
  static void fire(Conn[] conns, byte[] request) throws IOException {
    for (Conn c : conns) {
      ByteBuffer buf = ByteBuffer.wrap(request);
      c.sentNs = System.nanoTime();
      while (buf.hasRemaining()) {
        c.ch.write(buf);
      }
    }
  }

  /** Reads until every connection has a whole response (or the deadline); returns how many have none. */
  static int readAll(Selector selector, Conn[] conns, long deadlineNs) throws IOException {
    int remaining = conns.length;
    ByteBuffer rb = ByteBuffer.allocateDirect(64 * 1024);
    while (remaining > 0 && System.nanoTime() < deadlineNs) {
      if (selector.select(Math.max(1, (deadlineNs - System.nanoTime()) / 1_000_000L)) == 0) {
        continue;
      }
      long now = System.nanoTime();
      Iterator<SelectionKey> it = selector.selectedKeys().iterator();
      while (it.hasNext()) {
        SelectionKey key = it.next();
        it.remove();
        Conn c = (Conn) key.attachment();
        rb.clear();
        int r;
        try {
          r = c.ch.read(rb);
        } catch (IOException e) {
          r = -1;
        }
        if (r > 0) {
          if (c.firstByteNs == 0) {
            c.firstByteNs = now;
          }
          rb.flip();
          byte[] chunk = new byte[rb.remaining()];
          rb.get(chunk);
          c.in.write(chunk);
        }
        if (c.doneNs == 0 && (complete(c) || r < 0)) {
          c.doneNs = System.nanoTime();
          key.cancel();
          remaining--;
        }
      }
    }
    selector.selectNow(); // flushes the cancelled keys, so the channels can be registered again
    return remaining;
  }

  /** How long after the leader (first completed answer) the followers completed: percentiles in ms. */
  static JsonObject followerLag(long[] sortedDoneUs) {
    JsonObject lag = new JsonObject();
    if (sortedDoneUs.length < 2) {
      return lag;
    }
    long leader = sortedDoneUs[0];
    int followers = sortedDoneUs.length - 1;
    for (double q : new double[] {0.5, 0.9, 0.99}) {
      int idx = 1 + (int) Math.min(followers - 1, Math.max(0, Math.ceil(q * followers) - 1));
      lag.put("p" + Math.round(q * 100) + "_ms", (sortedDoneUs[idx] - leader) / 1000.0);
    }
    int within1ms = 0;
    for (int i = 1; i < sortedDoneUs.length; i++) {
      within1ms += sortedDoneUs[i] - leader <= 1_000 ? 1 : 0;
    }
    return lag.put("max_ms", (sortedDoneUs[sortedDoneUs.length - 1] - leader) / 1000.0)
        .put("within_1ms_share", within1ms / (double) followers);
  }

  /** True once a whole HTTP/1.1 response sits in the buffer; fills status, X-Cache and body. */
  static boolean complete(Conn c) {
    byte[] data = c.in.toByteArray();
    if (c.headerEnd < 0) {
      int end = indexOf(data, "\r\n\r\n".getBytes(StandardCharsets.US_ASCII), 0);
      if (end < 0) {
        return false;
      }
      c.headerEnd = end + 4;
      String head = new String(data, 0, end, StandardCharsets.ISO_8859_1);
      String[] lines = head.split("\r\n");
      String[] statusLine = lines[0].split(" ");
      c.status = statusLine.length > 1 ? Integer.parseInt(statusLine[1]) : 0;
      for (int i = 1; i < lines.length; i++) {
        int colon = lines[i].indexOf(':');
        if (colon < 0) {
          continue;
        }
        String name = lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT);
        String value = lines[i].substring(colon + 1).trim();
        switch (name) {
          case "content-length" -> c.contentLength = Long.parseLong(value);
          case "transfer-encoding" -> c.chunked = value.toLowerCase(Locale.ROOT).contains("chunked");
          case "x-cache" -> c.xcache = value;
          case "x-edge-outcome" -> c.outcome = value;
          case "server-timing" -> c.serverTiming = value;
          default -> { }
        }
      }
    }
    if (c.contentLength >= 0) {
      if (data.length - c.headerEnd >= c.contentLength) {
        c.body = new String(data, c.headerEnd, (int) c.contentLength, StandardCharsets.UTF_8);
        return true;
      }
      return false;
    }
    if (c.chunked) {
      int end = indexOf(data, "\r\n0\r\n\r\n".getBytes(StandardCharsets.US_ASCII), c.headerEnd - 2);
      if (end >= 0) {
        c.body = dechunk(data, c.headerEnd);
        return true;
      }
      return false;
    }
    return c.status == 204 || c.status == 304;
  }

  static String dechunk(byte[] data, int from) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int p = from;
    while (p < data.length) {
      int eol = indexOf(data, "\r\n".getBytes(StandardCharsets.US_ASCII), p);
      if (eol < 0) {
        break;
      }
      String sizeLine = new String(data, p, eol - p, StandardCharsets.US_ASCII);
      int semi = sizeLine.indexOf(';');
      int size = Integer.parseInt((semi >= 0 ? sizeLine.substring(0, semi) : sizeLine).trim(), 16);
      if (size == 0) {
        break;
      }
      out.write(data, eol + 2, size);
      p = eol + 2 + size + 2;
    }
    return out.toString(StandardCharsets.UTF_8);
  }

  static int indexOf(byte[] data, byte[] pat, int from) {
    outer:
    for (int i = Math.max(0, from); i <= data.length - pat.length; i++) {
      for (int j = 0; j < pat.length; j++) {
        if (data[i + j] != pat[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }

  /** "identity,coalesced,total" for {@code identity;dur=0.1, coalesced;dur=3.2, total;dur=3.4}. */
  static String phaseNames(String serverTiming) {
    if (serverTiming == null || serverTiming.isBlank()) {
      return "none";
    }
    StringBuilder names = new StringBuilder();
    for (String metric : serverTiming.split(",")) {
      String name = metric.trim();
      int semi = name.indexOf(';');
      names.append(names.length() == 0 ? "" : ",").append(semi < 0 ? name : name.substring(0, semi));
    }
    return names.toString();
  }
}
