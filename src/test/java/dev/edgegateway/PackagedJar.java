package dev.edgegateway;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.MatchResult;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The packaged jar ({@code target/edge-gateway.jar}, built by {@code package} before the integration tests) run as
 * a process of its own, with its output collected line by line (and copied to {@code target/<name>.log}). Waiting
 * for a line blocks on the collector, bounded by a deadline.
 */
final class PackagedJar implements AutoCloseable {
  static final Path JAR = Path.of(System.getProperty("edge.jar", "target/edge-gateway.jar")).toAbsolutePath();

  private final Process process;
  private final List<String> lines = new ArrayList<>();
  private boolean ended;

  private PackagedJar(Process process, Path log) throws IOException {
    this.process = process;
    PrintWriter copy = new PrintWriter(Files.newBufferedWriter(log, StandardCharsets.UTF_8), true);
    Thread reader = new Thread(() -> collect(copy), "jar-output");
    reader.setDaemon(true);
    reader.start();
  }

  /**
   * Starts {@code java -jar} on the jar in {@code workDir} with the arguments, the environment stripped of every
   * inherited {@code EDGE_*} and given {@code env}, and {@code jvmOptions} before {@code -jar}.
   */
  static PackagedJar start(String name, Path workDir, List<String> jvmOptions, List<String> args, Map<String, String> env)
      throws IOException {
    if (!Files.isRegularFile(JAR)) {
      throw new IllegalStateException(JAR + " is missing: the integration tests run after `package`");
    }
    List<String> command = new ArrayList<>();
    command.add(ProcessHandle.current().info().command().orElse("java"));
    command.addAll(jvmOptions);
    command.add("-jar");
    command.add(JAR.toString());
    command.addAll(args);
    ProcessBuilder builder = new ProcessBuilder(command).directory(workDir.toFile()).redirectErrorStream(true);
    builder.environment().keySet().removeIf(k -> k.startsWith("EDGE_") || k.equals("JAVA_TOOL_OPTIONS"));
    builder.environment().putAll(env);
    Path log = Path.of("target", name + ".log").toAbsolutePath();
    Files.createDirectories(log.getParent());
    return new PackagedJar(builder.start(), log);
  }

  Process process() {
    return process;
  }

  private void collect(PrintWriter copy) {
    try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = in.readLine()) != null) {
        copy.println(line);
        synchronized (this) {
          lines.add(line);
          notifyAll();
        }
      }
    } catch (IOException e) {
      // the process went away: what it wrote so far is all there is
    } finally {
      copy.close();
      synchronized (this) {
        ended = true;
        notifyAll();
      }
    }
  }

  /** The first line matching {@code pattern}, waiting for it until the deadline. */
  synchronized MatchResult await(Pattern pattern, long timeoutMs) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
    int seen = 0;
    while (true) {
      for (; seen < lines.size(); seen++) {
        Matcher m = pattern.matcher(lines.get(seen));
        if (m.find()) {
          return m.toMatchResult();
        }
      }
      long left = deadline - System.nanoTime();
      if (ended || left <= 0) {
        throw new AssertionError("no line matching " + pattern + " within " + timeoutMs + " ms"
            + (ended ? " (the process's output ended)" : "") + "; last lines:\n" + tail(20));
      }
      TimeUnit.NANOSECONDS.timedWait(this, left);
    }
  }

  /** Every line so far, after waiting (bounded) for the output to end: call once the process exited. */
  synchronized List<String> allLines(long timeoutMs) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
    while (!ended) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        break;
      }
      TimeUnit.NANOSECONDS.timedWait(this, left);
    }
    return List.copyOf(lines);
  }

  synchronized String tail(int n) {
    return String.join("\n", lines.subList(Math.max(0, lines.size() - n), lines.size()));
  }

  @Override
  public void close() {
    if (process.isAlive()) {
      process.destroyForcibly();
      try {
        process.waitFor(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
