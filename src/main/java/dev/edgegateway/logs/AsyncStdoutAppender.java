package dev.edgegateway.logs;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.UnsynchronizedAppenderBase;
import ch.qos.logback.core.encoder.Encoder;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;

/**
 * Writes events to standard output from a thread of its own: a bounded queue that never blocks the logging thread
 * (a full queue drops the event, counted in {@link #droppedEvents()}), drained by one writer that wakes every
 * {@code pollMillis}, encodes what it found and writes it whole lines at a time, at most {@code maxWriteBytes} a
 * write. Logback's {@code AsyncAppender} wakes its worker for each event and its console appender makes a system call
 * per line: for one line per request, that would cost a request path more than building the line. Writes of at
 * most 4 KiB (the pipe buffer's atomic size) are not interleaved with other writers' lines on a pipe.
 */
public class AsyncStdoutAppender extends UnsynchronizedAppenderBase<ILoggingEvent> {
  private static final LongAdder DROPPED = new LongAdder();
  private static final int MAX_BATCH = 1_024;

  private Encoder<ILoggingEvent> encoder;
  private int queueSize = 8_192;
  private int maxWriteBytes = 4_096;
  private long pollMillis = 10;
  private OutputStream out;
  private ArrayBlockingQueue<ILoggingEvent> queue;
  private Thread writer;
  private Thread atExit;
  private volatile boolean stopping;
  private volatile boolean writing;

  /** Events dropped because a queue was full, by every instance since the JVM started. */
  public static long droppedEvents() {
    return DROPPED.sum();
  }

  public void setEncoder(Encoder<ILoggingEvent> encoder) {
    this.encoder = encoder;
  }

  public void setQueueSize(int queueSize) {
    this.queueSize = queueSize;
  }

  public void setMaxWriteBytes(int maxWriteBytes) {
    this.maxWriteBytes = maxWriteBytes;
  }

  public void setPollMillis(long pollMillis) {
    this.pollMillis = pollMillis;
  }

  /** Where the lines go instead of standard output (tests). */
  public void setOutputStream(OutputStream out) {
    this.out = out;
  }

  @Override
  public void start() {
    if (encoder == null) {
      addError("no encoder for appender " + name);
      return;
    }
    if (queueSize < 1 || maxWriteBytes < 1 || pollMillis < 1) {
      addError("queueSize, maxWriteBytes and pollMillis of appender " + name + " must be positive");
      return;
    }
    if (out == null) {
      out = new FileOutputStream(FileDescriptor.out); // not closed on stop: it is the process's standard output
    }
    queue = new ArrayBlockingQueue<>(queueSize);
    stopping = false;
    writer = new Thread(this::drain, "edge-log-writer-" + name);
    writer.setDaemon(true);
    writer.start();
    // the context is not stopped on exit (a draining gateway still logs): lines queued by then are written first
    atExit = new Thread(this::awaitWritten, "edge-log-flush-" + name);
    Runtime.getRuntime().addShutdownHook(atExit);
    super.start();
  }

  @Override
  protected void append(ILoggingEvent event) {
    // what the writer thread would otherwise read from the wrong thread (its name) or too late
    event.prepareForDeferredProcessing();
    if (!queue.offer(event)) {
      DROPPED.increment();
    }
  }

  /** Stops taking events, writes those queued (waiting at most a second for them) and flushes. */
  @Override
  public void stop() {
    if (!isStarted()) {
      return;
    }
    super.stop();
    stopping = true;
    LockSupport.unpark(writer);
    try {
      writer.join(TimeUnit.SECONDS.toMillis(1));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    try {
      Runtime.getRuntime().removeShutdownHook(atExit);
    } catch (IllegalStateException exiting) {
      // called from a shutdown hook: nothing to remove
    }
  }

  /** Waits, at most a second, until what is queued now has been written. */
  private void awaitWritten() {
    long giveUpAt = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
    LockSupport.unpark(writer);
    while ((!queue.isEmpty() || writing) && writer.isAlive() && System.nanoTime() - giveUpAt < 0) {
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
    }
  }

  private void drain() {
    byte[] pending = new byte[maxWriteBytes];
    List<ILoggingEvent> batch = new ArrayList<>(MAX_BATCH);
    long pollNanos = TimeUnit.MILLISECONDS.toNanos(pollMillis);
    while (true) {
      batch.clear();
      writing = true; // before the queue empties into the batch, so that awaitWritten never sees neither
      queue.drainTo(batch, MAX_BATCH);
      if (batch.isEmpty()) {
        writing = false;
        if (stopping) {
          return;
        }
        LockSupport.parkNanos(this, pollNanos);
        continue;
      }
      try {
        write(batch, pending);
      } catch (IOException | RuntimeException e) {
        addError("appender " + name + " could not write " + batch.size() + " events", e);
      }
    }
  }

  private void write(List<ILoggingEvent> batch, byte[] pending) throws IOException {
    int used = 0;
    for (ILoggingEvent event : batch) {
      byte[] line = encoder.encode(event);
      if (used + line.length > pending.length && used > 0) {
        out.write(pending, 0, used);
        used = 0;
      }
      if (line.length > pending.length) {
        out.write(line);
      } else {
        System.arraycopy(line, 0, pending, used, line.length);
        used += line.length;
      }
    }
    if (used > 0) {
      out.write(pending, 0, used);
    }
    out.flush();
  }
}
