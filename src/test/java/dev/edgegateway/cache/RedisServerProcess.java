package dev.edgegateway.cache;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A throw-away {@code redis-server} child process on a port of its own, nothing persisted: a standalone server,
 * or (with {@link #of}) a cluster node, a replica or a sentinel.
 */
public final class RedisServerProcess {
  private static final String READY = "Ready to accept connections";

  private final int port;
  private final List<String> command;
  private final String readyLine;
  private Process process;

  public RedisServerProcess(int port) {
    this(port, List.of("redis-server", "--port", Integer.toString(port), "--bind", "127.0.0.1",
        "--save", "", "--appendonly", "no", "--daemonize", "no"), READY);
  }

  private RedisServerProcess(int port, List<String> command, String readyLine) {
    this.port = port;
    this.command = List.copyOf(command);
    this.readyLine = readyLine;
  }

  /**
   * A {@code redis-server} on {@code port} with the standalone arguments plus {@code extraArgs} (e.g.
   * {@code --cluster-enabled yes}, {@code --replicaof 127.0.0.1 6380}).
   */
  public static RedisServerProcess of(int port, String... extraArgs) {
    List<String> command = new ArrayList<>(new RedisServerProcess(port).command);
    command.addAll(List.of(extraArgs));
    return new RedisServerProcess(port, command, READY);
  }

  /** A sentinel reading (and rewriting) {@code configFile}; ready once it monitors its master. */
  public static RedisServerProcess sentinel(int port, java.nio.file.Path configFile) {
    return new RedisServerProcess(port, List.of("redis-server", configFile.toString(), "--sentinel"),
        "+monitor master");
  }

  public static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      socket.setReuseAddress(true);
      return socket.getLocalPort();
    }
  }

  /**
   * A free port for a cluster node: at most 55535 (its cluster bus listens 10000 higher), with the bus port free too.
   */
  public static int freeClusterPort() throws IOException {
    java.util.Random random = new java.util.Random();
    for (int attempt = 0; attempt < 200; attempt++) {
      int port = 20_000 + random.nextInt(35_000);
      if (isFree(port) && isFree(port + 10_000)) {
        return port;
      }
    }
    throw new IOException("no free port pair for a cluster node");
  }

  private static boolean isFree(int port) {
    try (ServerSocket socket = new ServerSocket(port, 1, java.net.InetAddress.getLoopbackAddress())) {
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /** Whether {@code binary} (redis-server, redis-cli) is on the PATH. */
  public static boolean onPath(String binary) {
    String path = System.getenv().getOrDefault("PATH", "");
    for (String dir : path.split(java.io.File.pathSeparator)) {
      if (!dir.isEmpty() && java.nio.file.Files.isExecutable(java.nio.file.Path.of(dir, binary))) {
        return true;
      }
    }
    return false;
  }

  public int port() {
    return port;
  }

  public String url() {
    return "redis://127.0.0.1:" + port;
  }

  public boolean isAlive() {
    return process != null && process.isAlive();
  }

  /** Starts the server and returns once it logs that it accepts connections (bounded wait). Blocking. */
  public void start() throws Exception {
    process = new ProcessBuilder(command)
        .redirectErrorStream(true)
        .start();
    CompletableFuture<Void> ready = new CompletableFuture<>();
    Process started = process;
    Thread drain = new Thread(() -> {
      try (BufferedReader out = new BufferedReader(new InputStreamReader(started.getInputStream(), StandardCharsets.UTF_8))) {
        String line;
        while ((line = out.readLine()) != null) {
          if (line.contains(readyLine)) {
            ready.complete(null);
          }
        }
      } catch (IOException ignored) {
        // process killed
      }
      ready.completeExceptionally(new IllegalStateException("redis-server exited before it was ready"));
    }, "redis-server-" + port + "-output");
    drain.setDaemon(true);
    drain.start();
    ready.get(15, TimeUnit.SECONDS);
  }

  /** SIGKILL, as a crash or an OOM kill would; returns once the process is gone. Blocking. */
  public void kill() throws InterruptedException {
    if (process != null && process.isAlive()) {
      process.destroyForcibly();
      process.waitFor(10, TimeUnit.SECONDS);
    }
  }
}
