package dev.edgegateway.cache;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.vertx.core.Future;
import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * {@link TokenBuckets} in this process's memory, bounded in keys: a bucket idle for as long as it takes to fill up is
 * forgotten (it would be full anyway), and past {@code maxKeys} the least useful go first. Safe from any thread.
 */
final class MemoryTokenBuckets implements TokenBuckets {
  private final double perNano;
  private final int burst;
  private final LongSupplier nanos;
  private final Cache<String, Bucket> buckets;

  private static final class Bucket {
    double tokens;
    long at;

    Bucket(double tokens, long at) {
      this.tokens = tokens;
      this.at = at;
    }
  }

  MemoryTokenBuckets(double perSecond, int burst, long maxKeys) {
    this(perSecond, burst, maxKeys, System::nanoTime);
  }

  MemoryTokenBuckets(double perSecond, int burst, long maxKeys, LongSupplier nanos) {
    if (perSecond <= 0 || burst < 1) {
      throw new IllegalArgumentException("a token bucket needs a positive rate and a burst of at least 1");
    }
    this.perNano = perSecond / 1e9;
    this.burst = burst;
    this.nanos = nanos;
    long fillNanos = (long) Math.ceil(burst / perNano);
    this.buckets = Caffeine.newBuilder().maximumSize(maxKeys)
        .expireAfterAccess(Duration.ofNanos(Math.max(fillNanos, 1_000_000_000L))).build();
  }

  @Override
  public Future<Decision> take(String key) {
    return Future.succeededFuture(takeNow(key));
  }

  Decision takeNow(String key) {
    long now = nanos.getAsLong();
    Decision[] decided = new Decision[1];
    buckets.asMap().compute(key, (k, bucket) -> {
      Bucket b = bucket == null ? new Bucket(burst, now) : bucket;
      b.tokens = Math.min(burst, b.tokens + Math.max(0, now - b.at) * perNano);
      b.at = now;
      if (b.tokens >= 1) {
        b.tokens -= 1;
        decided[0] = Decision.ALLOWED;
      } else {
        decided[0] = new Decision(false, (long) Math.ceil((1 - b.tokens) / perNano / 1e6));
      }
      return b;
    });
    return decided[0];
  }

  long size() {
    buckets.cleanUp();
    return buckets.estimatedSize();
  }
}
