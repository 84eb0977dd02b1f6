package dev.edgegateway.cache;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisClientType;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * Deleting keys by pattern (a purge) on any Redis topology. SCAN walks one node's keys: on a cluster the client
 * would send it to any node, so each primary listed by {@code CLUSTER SLOTS} is scanned through a short-lived
 * connection of its own, and the keys found are unlinked through the cluster client, one UNLINK per slot (a
 * multi-key command across slots is refused with CROSSSLOT).
 */
final class RedisScan {
  /** Keys one SCAN step looks at. */
  static final int SCAN_COUNT = 1_000;

  private RedisScan() {
  }

  /**
   * Deletes the keys matching {@code pattern} (SCAN and UNLINK, never KEYS), at most {@code max}: on every primary
   * of a cluster, each UNLINK holding keys of one slot only. Succeeds with the count deleted.
   */
  static Future<Long> unlinkMatching(RedisBackend backend, String pattern, long max) {
    Vertx vertx = backend.vertx();
    if (backend.options().type() != RedisClientType.CLUSTER) {
      return scan(request -> backend.send("scan", request), backend, pattern, "0", 0, max, false);
    }
    return backend.send("cluster_slots", Request.cmd(Command.CLUSTER).arg("SLOTS"))
        .compose(slots -> eachPrimary(backend, vertx, primaries(slots), 0, pattern, 0, max));
  }

  private static Future<Long> eachPrimary(RedisBackend backend, Vertx vertx, List<String> primaries, int index,
      String pattern, long removed, long max) {
    if (index >= primaries.size() || removed >= max) {
      return Future.succeededFuture(removed);
    }
    Redis node = Redis.createClient(vertx, nodeOptions(backend.options(), primaries.get(index)));
    long timeout = backend.options().commandTimeoutMs() + backend.options().connectTimeoutMs();
    Function<Request, Future<Response>> send = request -> node.send(request).timeout(timeout, TimeUnit.MILLISECONDS);
    return scan(send, backend, pattern, "0", removed, max, true)
        .eventually(() -> node.close())
        .compose(total -> eachPrimary(backend, vertx, primaries, index + 1, pattern, total, max));
  }

  private static Future<Long> scan(Function<Request, Future<Response>> send, RedisBackend backend, String pattern,
      String cursor, long removed, long max, boolean bySlot) {
    Request step = Request.cmd(Command.SCAN).arg(cursor).arg("MATCH").arg(pattern).arg("COUNT").arg(SCAN_COUNT);
    return send.apply(step).compose(page -> {
      String next = page.get(0).toString();
      Future<Long> dropped = unlink(backend, page.get(1), bySlot);
      return dropped.compose(n -> "0".equals(next) || removed + n >= max
          ? Future.succeededFuture(removed + n)
          : scan(send, backend, pattern, next, removed + n, max, bySlot));
    });
  }

  private static Future<Long> unlink(RedisBackend backend, Response keys, boolean bySlot) {
    if (keys.size() == 0) {
      return Future.succeededFuture(0L);
    }
    Map<Integer, Request> bySlotRequests = new LinkedHashMap<>();
    for (Response key : keys) {
      byte[] bytes = key.toBytes();
      int slot = bySlot ? RedisSlots.slot(bytes) : 0;
      bySlotRequests.computeIfAbsent(slot, s -> Request.cmd(Command.UNLINK)).arg(bytes);
    }
    List<Future<Long>> sent = new ArrayList<>();
    for (Request unlink : bySlotRequests.values()) {
      sent.add(backend.send("unlink", unlink).map(Response::toLong));
    }
    return Future.all(sent).map(all -> {
      long n = 0;
      for (int i = 0; i < all.size(); i++) {
        n += all.<Long>resultAt(i);
      }
      return n;
    });
  }

  /** {@code host:port} of every primary in a {@code CLUSTER SLOTS} reply ({@code [start, end, [host, port, id], ...]}). */
  static List<String> primaries(Response slots) {
    Set<String> primaries = new LinkedHashSet<>();
    for (Response range : slots) {
      Response primary = range.get(2);
      primaries.add(primary.get(0).toString() + ":" + primary.get(1).toInteger());
    }
    return new ArrayList<>(primaries);
  }

  /** A one-connection standalone client on {@code hostAndPort}, with the credentials of the configured endpoints. */
  private static RedisOptions nodeOptions(RedisCacheOptions options, String hostAndPort) {
    URI seed = URI.create(options.endpoints().get(0));
    String userInfo = seed.getRawUserInfo() == null ? "" : seed.getRawUserInfo() + "@";
    return options.toRedisOptions()
        .setType(RedisClientType.STANDALONE)
        .setEndpoints(new ArrayList<>(List.of(seed.getScheme() + "://" + userInfo + hostAndPort)))
        .setMaxPoolSize(1);
  }
}
