package dev.edgegateway.cache;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** A throw-away {@code redis-server} child process on a port of its own, nothing persisted. */
public final class RedisServerProcess {
  private final int port;
  private Process process;

  public RedisServerProcess(int port) {
    this.port = port;
  }

  public static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      socket.setReuseAddress(true);
      return socket.getLocalPort();
    }
  }

  public int port() {
    return port;
  }

  public String url() {
    return "redis://127.0.0.1:" + port;
  }

  /** Starts the server and returns once it logs that it accepts connections (bounded wait). Blocking. */
  public void start() throws Exception {
    process = new ProcessBuilder("redis-server", "--port", Integer.toString(port), "--bind", "127.0.0.1",
        "--save", "", "--appendonly", "no", "--daemonize", "no")
        .redirectErrorStream(true)
        .start();
    CompletableFuture<Void> ready = new CompletableFuture<>();
    Process started = process;
    Thread drain = new Thread(() -> {
      try (BufferedReader out = new BufferedReader(new InputStreamReader(started.getInputStream(), StandardCharsets.UTF_8))) {
        String line;
        while ((line = out.readLine()) != null) {
          if (line.contains("Ready to accept connections")) {
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
