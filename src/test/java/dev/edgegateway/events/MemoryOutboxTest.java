package dev.edgegateway.events;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class MemoryOutboxTest {
  private static List<Buffer> events(int from, int to) {
    return IntStream.range(from, to).mapToObj(i -> new JsonObject().put("n", i).toBuffer()).toList();
  }

  private static List<Integer> numbers(OutboxBatch batch) {
    return batch.events().stream().map(e -> new JsonObject(e.json()).getInteger("n")).toList();
  }

  private static OutboxBatch take(Outbox outbox, int n) {
    return outbox.take(n, Long.MAX_VALUE).result();
  }

  /** An event of exactly {@code bytes} encoded bytes. */
  private static Buffer sized(int n, int bytes) {
    String base = new JsonObject().put("n", n).put("p", "").encode();
    return new JsonObject().put("n", n).put("p", "x".repeat(bytes - base.length())).toBuffer();
  }

  @Test
  void offerIsRefusedPastTheByteBoundAsPastTheCount() {
    MemoryOutbox outbox = new MemoryOutbox(1_000, 1_000);
    assertThat(outbox.offer(List.of(sized(0, 400), sized(1, 400))).result()).isTrue();
    assertThat(outbox.bytes()).isEqualTo(800);
    assertThat(outbox.offer(List.of(sized(2, 100), sized(3, 101))).result()).isFalse();
    assertThat(outbox.size()).isEqualTo(2);
    assertThat(outbox.offer(List.of(sized(2, 200))).result()).isTrue();
    OutboxBatch batch = take(outbox, 10);
    assertThat(outbox.bytes()).isEqualTo(1_000);
    outbox.ack(batch);
    assertThat(outbox.bytes()).isZero();
  }

  @Test
  void takeStopsAtTheByteBoundButAlwaysTakesOne() {
    MemoryOutbox outbox = new MemoryOutbox(100);
    outbox.offer(List.of(sized(0, 300), sized(1, 300), sized(2, 900), sized(3, 20)));
    assertThat(numbers(outbox.take(50, 700).result())).containsExactly(0, 1);
    OutboxBatch big = outbox.take(50, 700).result();
    assertThat(numbers(big)).containsExactly(2);
    assertThat(numbers(outbox.take(50, 700).result())).containsExactly(3);
  }

  @Test
  void aSplitBatchComesBackAsItsHalvesFirstWithItsAttempts() {
    MemoryOutbox outbox = new MemoryOutbox(100);
    outbox.offer(events(0, 5));
    OutboxBatch all = take(outbox, 5);
    outbox.requeueFront(all);
    OutboxBatch again = take(outbox, 5);
    outbox.offer(events(5, 7));
    assertThat(outbox.split(again).succeeded()).isTrue();
    OutboxBatch first = take(outbox, 50);
    assertThat(numbers(first)).containsExactly(0, 1);
    assertThat(first.attempts()).isEqualTo(1);
    assertThat(outbox.split(first).succeeded()).isTrue();
    assertThat(numbers(take(outbox, 50))).containsExactly(0);
    OutboxBatch one = take(outbox, 50);
    assertThat(numbers(one)).containsExactly(1);
    assertThat(outbox.split(one).failed()).isTrue();
    assertThat(numbers(take(outbox, 50))).containsExactly(2, 3, 4);
    assertThat(numbers(take(outbox, 50))).containsExactly(5, 6);
    assertThat(outbox.size()).isEqualTo(7);
  }

  @Test
  void offerIsAllOrNothing() {
    MemoryOutbox outbox = new MemoryOutbox(10);
    assertThat(outbox.offer(events(0, 8)).result()).isTrue();
    assertThat(outbox.offer(events(8, 11)).result()).isFalse();
    assertThat(outbox.size()).isEqualTo(8);
    assertThat(outbox.offer(events(8, 10)).result()).isTrue();
    assertThat(outbox.size()).isEqualTo(10);
    assertThat(outbox.offer(events(10, 11)).result()).isFalse();
  }

  @Test
  void takeIsFifoAndLeasedEventsStillCountAgainstCapacity() {
    MemoryOutbox outbox = new MemoryOutbox(10);
    outbox.offer(events(0, 10));
    OutboxBatch first = take(outbox, 4);
    assertThat(numbers(first)).containsExactly(0, 1, 2, 3);
    assertThat(first.attempts()).isZero();
    assertThat(outbox.queued()).isEqualTo(6);
    assertThat(outbox.size()).isEqualTo(10);
    assertThat(outbox.offer(events(10, 11)).result()).isFalse();
    outbox.ack(first);
    assertThat(outbox.size()).isEqualTo(6);
    assertThat(outbox.offer(events(10, 14)).result()).isTrue();
    assertThat(numbers(take(outbox, 100))).containsExactly(4, 5, 6, 7, 8, 9, 10, 11, 12, 13);
    assertThat(take(outbox, 5).isEmpty()).isTrue();
  }

  @Test
  void requeuedBatchesComeBackFirstInTheirOriginalOrderAndAlone() {
    MemoryOutbox outbox = new MemoryOutbox(100);
    outbox.offer(events(0, 7));
    OutboxBatch a = take(outbox, 3);
    OutboxBatch b = take(outbox, 3);
    outbox.offer(events(7, 9));
    // b fails first, then a: a must still come back before b
    outbox.requeueFront(b);
    outbox.requeueFront(a);
    assertThat(outbox.queued()).isEqualTo(9);
    OutboxBatch again = take(outbox, 50);
    assertThat(numbers(again)).containsExactly(0, 1, 2);
    assertThat(again.attempts()).isEqualTo(1);
    OutboxBatch bAgain = take(outbox, 50);
    assertThat(numbers(bAgain)).containsExactly(3, 4, 5);
    outbox.requeueFront(again);
    OutboxBatch third = take(outbox, 50);
    assertThat(numbers(third)).containsExactly(0, 1, 2);
    assertThat(third.attempts()).isEqualTo(2);
    assertThat(numbers(take(outbox, 50))).containsExactly(6, 7, 8);
    assertThat(outbox.size()).isEqualTo(9);
  }

  @Test
  void aRequeuedBatchLargerThanTheTakeIsSplitInOrder() {
    MemoryOutbox outbox = new MemoryOutbox(100);
    outbox.offer(events(0, 5));
    OutboxBatch all = take(outbox, 5);
    outbox.requeueFront(all);
    List<Integer> seen = new ArrayList<>();
    OutboxBatch part;
    while (!(part = take(outbox, 2)).isEmpty()) {
      assertThat(part.attempts()).isEqualTo(1);
      seen.addAll(numbers(part));
      outbox.ack(part);
    }
    assertThat(seen).containsExactly(0, 1, 2, 3, 4);
    assertThat(outbox.size()).isZero();
  }

  @Test
  void settlingABatchTwiceFails() {
    MemoryOutbox outbox = new MemoryOutbox(10);
    outbox.offer(events(0, 2));
    OutboxBatch batch = take(outbox, 2);
    assertThat(outbox.ack(batch).succeeded()).isTrue();
    assertThat(outbox.ack(batch).failed()).isTrue();
    assertThat(outbox.requeueFront(batch).failed()).isTrue();
    assertThat(outbox.size()).isZero();
  }
}
