package dev.edgegateway.recs;

import dev.edgegateway.cache.Cache;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

/**
 * Drops what this gateway keeps of one recommendation (a merchandiser changed its banner): its configs, for every
 * segment set and page context, from memory and Redis, and the banners memoised from them. Its searches are keyed
 * by the payload the config describes, so a changed config asks for a new one; the old ones age out on their TTL.
 */
public final class RecsPurge {
  private final Cache<JsonObject> configs;
  private final BannerMemo memo;

  public RecsPurge(Cache<JsonObject> configs, BannerMemo memo) {
    this.configs = configs;
    this.memo = memo;
  }

  /** How many configs (the larger of the tiers' counts) and memoised banners were dropped. */
  public record Purged(long configs, long banners) {
  }

  /**
   * Where every config of {@code recsKey} is kept: a prefix no other recsKey's keys start with (neither key can
   * hold a {@code /}).
   */
  static String configNamespace(String apiKey, String recsKey) {
    return "cfg:" + apiKey + "/" + recsKey + "/";
  }

  /** Fails only when a tier could not be purged (Redis down): the caller answers so, and may try again. */
  public Future<Purged> purge(String apiKey, String recsKey) {
    long banners = memo.forget(apiKey, recsKey);
    return configs.removeByPrefix(configNamespace(apiKey, recsKey))
        // a banner memoised while Redis was being scanned was built from a config read before the purge
        .map(dropped -> new Purged(dropped, banners + memo.forget(apiKey, recsKey)));
  }
}
