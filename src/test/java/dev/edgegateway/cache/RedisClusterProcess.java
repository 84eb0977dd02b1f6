package dev.edgegateway.cache;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A throw-away Redis Cluster of three primaries (no replicas) on free loopback ports, built with
 * {@code redis-server --cluster-enabled yes} and {@code redis-cli --cluster create}. One per JVM ({@link #shared}),
 * started on first use (a couple of seconds) and killed when the JVM exits; tests keep apart by key prefix.
 */
public final class RedisClusterProcess {
  /** Set to 1 in CI: the cluster tests then fail instead of skipping when the binaries are missing. */
  public static final String REQUIRE_ENV = "REQUIRE_REDIS_CLUSTER";
  private static RedisClusterProcess shared;
  private static Throwable sharedFailure;

  private final List<RedisServerProcess> nodes = new ArrayList<>();

  private RedisClusterProcess() {
  }

  /** The JVM's cluster: skips (or fails, in CI) without the binaries. Blocking on first use. */
  public static synchronized RedisClusterProcess shared() throws Exception {
    RedisCli.requireOrSkip(REQUIRE_ENV, "redis-server", "redis-cli");
    if (sharedFailure != null) {
      throw new IllegalStateException("the test Redis Cluster did not start", sharedFailure);
    }
    if (shared == null) {
      RedisClusterProcess cluster = new RedisClusterProcess();
      try {
        cluster.start();
      } catch (Exception | Error e) {
        cluster.kill();
        sharedFailure = e;
        throw e;
      }
      Runtime.getRuntime().addShutdownHook(new Thread(cluster::kill, "redis-cluster-stop"));
      shared = cluster;
    }
    return shared;
  }

  private void start() throws Exception {
    Path dir = Files.createTempDirectory("edge-redis-cluster");
    List<String> create = new ArrayList<>(List.of("redis-cli", "--cluster", "create"));
    for (int i = 0; i < 3; i++) {
      int port = RedisServerProcess.freeClusterPort();
      RedisServerProcess node = RedisServerProcess.of(port, "--cluster-enabled", "yes",
          "--cluster-config-file", dir.resolve("nodes-" + port + ".conf").toString(), "--dir", dir.toString(),
          "--cluster-node-timeout", "2000");
      nodes.add(node);
      node.start();
      create.add("127.0.0.1:" + port);
    }
    create.addAll(List.of("--cluster-replicas", "0", "--cluster-yes"));
    RedisCli.run(create, 30);
    for (RedisServerProcess node : nodes) {
      RedisCli.awaitAnswer(node.port(), info -> info.contains("cluster_state:ok"), 10_000, 50, "cluster", "info");
    }
  }

  /** The seed node URLs, one per primary. */
  public List<String> endpoints() {
    return nodes.stream().map(RedisServerProcess::url).toList();
  }

  public List<Integer> ports() {
    return nodes.stream().map(RedisServerProcess::port).toList();
  }

  /** The slot Redis itself computes for {@code key} ({@code CLUSTER KEYSLOT}). Blocking. */
  public int keySlot(String key) throws Exception {
    return Integer.parseInt(RedisCli.call(nodes.get(0).port(), "cluster", "keyslot", key));
  }

  private void kill() {
    for (RedisServerProcess node : nodes) {
      try {
        node.kill();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
