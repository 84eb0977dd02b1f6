package dev.edgegateway.logs;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.util.LogbackMDCAdapter;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class AsyncStdoutAppenderTest {
  private final LoggerContext context = new LoggerContext();

  AsyncStdoutAppenderTest() {
    context.setMDCAdapter(new LogbackMDCAdapter()); // as the SLF4J provider gives the real context
  }

  /** Records each write's size; optionally holds every write until released. */
  private static final class RecordingStream extends OutputStream {
    final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    final List<Integer> writes = new CopyOnWriteArrayList<>();
    final CountDownLatch release;

    RecordingStream(CountDownLatch release) {
      this.release = release;
    }

    @Override
    public void write(int b) {
      write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) {
      try {
        release.await(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      writes.add(len);
      synchronized (bytes) {
        bytes.write(b, off, len);
      }
    }
  }

  private AsyncStdoutAppender appender(OutputStream out, int queueSize, int maxWriteBytes) {
    JsonLineEncoder encoder = new JsonLineEncoder();
    encoder.setContext(context);
    encoder.start();
    AsyncStdoutAppender appender = new AsyncStdoutAppender();
    appender.setContext(context);
    appender.setName("test");
    appender.setEncoder(encoder);
    appender.setQueueSize(queueSize);
    appender.setMaxWriteBytes(maxWriteBytes);
    appender.setPollMillis(1);
    appender.setOutputStream(out);
    appender.start();
    assertThat(appender.isStarted()).isTrue();
    return appender;
  }

  private Logger logger(AsyncStdoutAppender appender) {
    Logger logger = context.getLogger("edge.access");
    logger.setAdditive(false);
    logger.setLevel(Level.INFO);
    logger.addAppender(appender);
    return logger;
  }

  @Test
  void everyEventIsWrittenAsWholeLinesInWritesOfAtMostTheLimit() {
    CountDownLatch release = new CountDownLatch(1);
    RecordingStream out = new RecordingStream(release);
    AsyncStdoutAppender appender = appender(out, 10_000, 1_024);
    Logger logger = logger(appender);
    for (int i = 0; i < 500; i++) {
      logger.info("line {}", i); // queued behind the writer's first write, held until all are logged
    }
    release.countDown();
    appender.stop(); // writes what is queued

    String[] lines = out.bytes.toString(StandardCharsets.UTF_8).split("\n");
    assertThat(lines).hasSize(500);
    for (int i = 0; i < lines.length; i++) {
      JsonObject json = new JsonObject(lines[i]);
      assertThat(json.getString("message")).isEqualTo("line " + i);
      assertThat(json.getString("threadName")).isEqualTo(Thread.currentThread().getName());
    }
    assertThat(out.writes).allSatisfy(size -> assertThat(size).isLessThanOrEqualTo(1_024));
    assertThat(out.writes.size()).as("lines are written several at a time").isLessThan(250);
  }

  @Test
  void aFullQueueDropsEventsInsteadOfBlockingAndCountsThem() {
    CountDownLatch release = new CountDownLatch(1);
    RecordingStream out = new RecordingStream(release);
    AsyncStdoutAppender appender = appender(out, 2, 4_096);
    Logger logger = logger(appender);
    long droppedBefore = AsyncStdoutAppender.droppedEvents();
    long started = System.nanoTime();
    for (int i = 0; i < 20; i++) {
      logger.info("line {}", i); // the writer is stuck on its first write: the queue fills
    }
    assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started)).isLessThan(5_000);
    long dropped = AsyncStdoutAppender.droppedEvents() - droppedBefore;
    release.countDown();
    appender.stop();

    long written = out.bytes.toString(StandardCharsets.UTF_8).lines().count();
    // at most two queued, and at most two taken by the writer before its write got stuck
    assertThat(dropped).isGreaterThanOrEqualTo(16);
    assertThat(written + dropped).isEqualTo(20);
  }
}
