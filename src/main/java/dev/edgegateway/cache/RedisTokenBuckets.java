package dev.edgegateway.cache;

import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;

/**
 * {@link TokenBuckets} in Redis: one hash per key ({@code <prefix>rl:<name>:<key>}, the key already hashed by the
 * caller), refilled and taken from by one Lua script, so that gateways sharing the Redis never race and share one
 * clock (Redis' own). The hash expires once it would be full again. While Redis cannot answer, the buckets in this
 * process's memory decide instead: the limit still holds per gateway.
 */
final class RedisTokenBuckets implements TokenBuckets {
  // tokens are kept as text: Lua numbers would be cut to integers on their way into Redis
  static final String SCRIPT = """
      local t = redis.call('TIME')
      local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
      local rate = tonumber(ARGV[1]) / 1000
      local burst = tonumber(ARGV[2])
      local state = redis.call('HMGET', KEYS[1], 'tokens', 'at')
      local tokens = tonumber(state[1])
      local at = tonumber(state[2])
      if tokens == nil or at == nil then
        tokens = burst
        at = now
      end
      tokens = math.min(burst, tokens + math.max(0, now - at) * rate)
      local allowed = 0
      local wait = 0
      if tokens >= 1 then
        tokens = tokens - 1
        allowed = 1
      else
        wait = math.ceil((1 - tokens) / rate)
      end
      redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'at', tostring(now))
      redis.call('PEXPIRE', KEYS[1], ARGV[3])
      return {allowed, wait}
      """;

  private final RedisBackend redis;
  private final String prefix;
  private final String perSecond;
  private final String burst;
  private final String ttlMs;
  private final MemoryTokenBuckets fallback;

  RedisTokenBuckets(RedisBackend redis, String name, double perSecond, int burst, MemoryTokenBuckets fallback) {
    this.redis = redis;
    this.prefix = "rl:" + name + ":";
    this.perSecond = Double.toString(perSecond);
    this.burst = Integer.toString(burst);
    this.ttlMs = Long.toString((long) Math.ceil(burst / perSecond * 1000) + 1_000);
    this.fallback = fallback;
  }

  @Override
  public Future<Decision> take(String key) {
    Request eval = Request.cmd(Command.EVAL).arg(SCRIPT).arg(1).arg(redis.key(prefix + key))
        .arg(perSecond).arg(burst).arg(ttlMs);
    return redis.send("rate_limit", eval)
        .map(RedisTokenBuckets::decision)
        .otherwise(failure -> fallback.takeNow(key));
  }

  private static Decision decision(Response reply) {
    if (reply == null || reply.size() < 2) {
      throw new IllegalStateException("unexpected rate-limit reply");
    }
    return reply.get(0).toInteger() == 1 ? Decision.ALLOWED : new Decision(false, reply.get(1).toLong());
  }
}
