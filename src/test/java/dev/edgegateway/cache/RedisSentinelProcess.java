package dev.edgegateway.cache;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A throw-away Sentinel set-up on free loopback ports: one primary, one replica and three sentinels (quorum 2)
 * watching master {@value #MASTER}, quick to fail over (down after 1 s). Each test that kills a node starts its own.
 */
public final class RedisSentinelProcess implements AutoCloseable {
  /** Set to 1 in CI: the Sentinel tests then fail instead of skipping when the binaries are missing. */
  public static final String REQUIRE_ENV = "REQUIRE_REDIS_SENTINEL";
  public static final String MASTER = "edge";

  private RedisServerProcess primary;
  private RedisServerProcess replica;
  private final List<RedisServerProcess> sentinels = new ArrayList<>();

  /** Starts it all and returns once the replica is in sync and every sentinel knows the others. Blocking. */
  public static RedisSentinelProcess start() throws Exception {
    RedisCli.requireOrSkip(REQUIRE_ENV, "redis-server", "redis-cli");
    RedisSentinelProcess set = new RedisSentinelProcess();
    try {
      set.startAll();
    } catch (Exception | Error e) {
      set.close();
      throw e;
    }
    return set;
  }

  private void startAll() throws Exception {
    Path dir = Files.createTempDirectory("edge-redis-sentinel");
    // --dir: a full sync writes an RDB file even with --save "": into the temporary directory, not the cwd
    primary = RedisServerProcess.of(RedisServerProcess.freePort(), "--dir", dir.toString());
    primary.start();
    replica = RedisServerProcess.of(RedisServerProcess.freePort(), "--dir", dir.toString(), "--replicaof", "127.0.0.1",
        Integer.toString(primary.port()));
    replica.start();
    RedisCli.awaitAnswer(replica.port(), info -> info.contains("master_link_status:up"), 10_000, 50,
        "info", "replication");
    for (int i = 0; i < 3; i++) {
      int port = RedisServerProcess.freePort();
      Path conf = dir.resolve("sentinel-" + port + ".conf");
      Files.writeString(conf, String.join("\n",
          "port " + port,
          "bind 127.0.0.1",
          "dir " + dir,
          "sentinel monitor " + MASTER + " 127.0.0.1 " + primary.port() + " 2",
          "sentinel down-after-milliseconds " + MASTER + " 1000",
          "sentinel failover-timeout " + MASTER + " 5000",
          "sentinel parallel-syncs " + MASTER + " 1", ""));
      RedisServerProcess sentinel = RedisServerProcess.sentinel(port, conf);
      sentinels.add(sentinel);
      sentinel.start();
    }
    for (RedisServerProcess sentinel : sentinels) {
      // a failover needs the quorum to know each other and the replica (hello messages every 2 s)
      RedisCli.awaitAnswer(sentinel.port(), ok -> ok.contains("num-other-sentinels\n2")
          && ok.contains("num-slaves\n1"), 15_000, 100, "sentinel", "master", MASTER);
    }
  }

  /** The sentinel URLs, for {@code EDGE_REDIS_ENDPOINTS}. */
  public List<String> sentinelEndpoints() {
    return sentinels.stream().map(RedisServerProcess::url).toList();
  }

  public RedisServerProcess primary() {
    return primary;
  }

  public RedisServerProcess replica() {
    return replica;
  }

  /** The port of the master as the first sentinel sees it now. Blocking. */
  public int masterPortSeenBySentinels() throws Exception {
    String[] hostAndPort = RedisCli.call(sentinels.get(0).port(), "sentinel", "get-master-addr-by-name", MASTER)
        .split("\n");
    return Integer.parseInt(hostAndPort[1].trim());
  }

  /** The role ({@code master} or {@code slave}) a data node reports. Blocking. */
  public static String role(RedisServerProcess node) throws Exception {
    return RedisCli.call(node.port(), "role").split("\n")[0].trim();
  }

  @Override
  public void close() {
    List<RedisServerProcess> all = new ArrayList<>(sentinels);
    all.add(replica);
    all.add(primary);
    for (RedisServerProcess process : all) {
      try {
        if (process != null) {
          process.kill();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
