package dev.edgegateway.events;

import io.vertx.redis.client.Response;
import java.util.ArrayList;
import java.util.List;

/** The Lua scripts of {@link RedisOutbox} and the parsing of their replies. */
final class OutboxScripts {
  private OutboxScripts() {
  }

  // Lua: one round trip each, atomic, and array replies whatever protocol the client speaks
  static final String ENSURE_GROUP = "redis.pcall('XGROUP','CREATE',KEYS[1],ARGV[1],'0','MKSTREAM') ";
  static final String OFFER = "local len = redis.call('XLEN', KEYS[1]) "
      + "local held = tonumber(redis.call('GET', KEYS[2]) or '0') "
      + "if len + #ARGV - 3 > tonumber(ARGV[1]) or held + tonumber(ARGV[3]) > tonumber(ARGV[2]) then return 0 end "
      + "for i = 4, #ARGV do redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[1], '*', 'e', ARGV[i]) end "
      + "redis.call('INCRBY', KEYS[2], ARGV[3]) return 1";
  static final String READ = ENSURE_GROUP
      + "local r = redis.call('XREADGROUP','GROUP',ARGV[1],ARGV[2],'COUNT',ARGV[3],'STREAMS',KEYS[1],'>') "
      + "if not r then return {} end return r[1][2]";
  static final String CLAIM = ENSURE_GROUP
      + "local r = redis.call('XAUTOCLAIM',KEYS[1],ARGV[1],ARGV[2],ARGV[3],'0-0','COUNT',ARGV[4]) "
      + "for _, id in ipairs(r[3] or {}) do redis.call('XACK', KEYS[1], ARGV[1], id) end return r[2]";
  static final String OWN = "local out = {} for i = 3, #ARGV do "
      + "local p = redis.call('XPENDING', KEYS[1], ARGV[1], ARGV[i], ARGV[i], 1) "
      + "if p[1] and p[1][2] == ARGV[2] then "
      + "redis.call('XCLAIM', KEYS[1], ARGV[1], ARGV[2], 0, ARGV[i], 'JUSTID') out[#out + 1] = ARGV[i] end end "
      + "return out";
  static final String ACK = "local freed = 0 for i = 2, #ARGV, 2 do "
      + "if redis.call('XACK', KEYS[1], ARGV[1], ARGV[i]) == 1 then redis.call('XDEL', KEYS[1], ARGV[i]) "
      + "freed = freed + tonumber(ARGV[i + 1]) end end "
      + "if freed > 0 then redis.call('DECRBY', KEYS[2], freed) end return freed";
  /** Removes the consumers but ARGV[2] with no pending entry and idle over ARGV[3] ms; XINFO's replies are flat. */
  static final String PRUNE = "local cs = redis.pcall('XINFO','CONSUMERS',KEYS[1],ARGV[1]) "
      + "if type(cs) ~= 'table' or cs.err then return 0 end local removed = 0 "
      + "for _, c in ipairs(cs) do local f = {} for i = 1, #c, 2 do f[c[i]] = c[i + 1] end "
      + "if f['name'] ~= ARGV[2] and f['pending'] == 0 and f['idle'] > tonumber(ARGV[3]) then "
      + "redis.call('XGROUP','DELCONSUMER',KEYS[1],ARGV[1],f['name']) removed = removed + 1 end end "
      + "return removed";
  static final String STATS = "local p = redis.pcall('XPENDING', KEYS[1], ARGV[1]) "
      + "local pending = 0 if type(p) == 'table' and p[1] then pending = p[1] end "
      + "return {redis.call('XLEN', KEYS[1]), tonumber(redis.call('GET', KEYS[2]) or '0'), pending}";

  /** The {@code [id, [field, value, ...]]} entries of a Lua array reply (entries whose payload is gone are skipped). */
  static List<OutboxEvent> entries(Response reply) {
    List<OutboxEvent> out = new ArrayList<>();
    if (reply == null) {
      return out;
    }
    for (Response entry : reply) {
      Response fields = entry.size() > 1 ? entry.get(1) : null;
      if (fields == null || fields.size() < 2) {
        continue;
      }
      for (int i = 0; i + 1 < fields.size(); i += 2) {
        if ("e".equals(fields.get(i).toString())) {
          out.add(new OutboxEvent(entry.get(0).toString(), fields.get(i + 1).toBuffer()));
        }
      }
    }
    return out;
  }

}
