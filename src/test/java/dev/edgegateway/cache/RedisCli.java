package dev.edgegateway.cache;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/** Blocking {@code redis-cli} calls for test set-ups on loopback, and the skip-or-fail rule of the HA tests. */
public final class RedisCli {
  private RedisCli() {
  }

  /**
   * Skips the test with a clear message when {@code binaries} are not installed, unless environment variable
   * {@code requireEnv} is {@code 1} (CI sets it: there the test must run, so a missing binary fails it).
   */
  public static void requireOrSkip(String requireEnv, String... binaries) {
    for (String binary : binaries) {
      if (!RedisServerProcess.onPath(binary)) {
        String message = binary + " is not installed (Debian: redis-server, redis-tools, redis-sentinel)";
        if ("1".equals(System.getenv(requireEnv))) {
          Assertions.fail(message + ", and " + requireEnv + "=1 says this test must run");
        }
        Assumptions.abort(message + ": test skipped (set " + requireEnv + "=1 to make this a failure)");
      }
    }
  }

  /** {@code redis-cli -h 127.0.0.1 -p port args...}: its output, trimmed; fails on a non-zero exit. */
  public static String call(int port, String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of("redis-cli", "-h", "127.0.0.1", "-p", Integer.toString(port)));
    command.addAll(List.of(args));
    return run(command, 10);
  }

  static String run(List<String> command, int timeoutSeconds) throws IOException, InterruptedException {
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    byte[] out = process.getInputStream().readAllBytes();
    if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new IOException(command.get(0) + " did not finish within " + timeoutSeconds + " s");
    }
    String text = new String(out, StandardCharsets.UTF_8).trim();
    if (process.exitValue() != 0) {
      throw new IOException(String.join(" ", command) + " exited " + process.exitValue() + ": " + text);
    }
    return text;
  }

  /**
   * Asks {@code redis-cli} until its answer satisfies {@code ready} (a cluster converging, a replica syncing,
   * sentinels finding each other), every {@code pollMs}; fails after {@code timeoutMs}. Set-up code only.
   */
  public static String awaitAnswer(int port, Predicate<String> ready, long timeoutMs, long pollMs, String... args)
      throws Exception {
    long giveUpAt = System.currentTimeMillis() + timeoutMs;
    String last = "";
    while (System.currentTimeMillis() < giveUpAt) {
      try {
        last = call(port, args);
        if (ready.test(last)) {
          return last;
        }
      } catch (IOException e) {
        last = e.getMessage();
      }
      TimeUnit.MILLISECONDS.sleep(pollMs); // polling an external process: there is no event to wait on
    }
    throw new IllegalStateException("redis-cli " + String.join(" ", args) + " on port " + port
        + " did not answer as expected within " + timeoutMs + " ms; last answer: " + last);
  }
}
