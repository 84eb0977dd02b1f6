package dev.edgegateway;

import dev.edgegateway.config.GatewayConfig;
import io.vertx.core.json.JsonObject;

/** The {@code warmUp} section: how much synthetic traffic {@link WarmUp} runs before the gateway starts. */
public final class WarmUpOptions {
  /** About 7 s on 2 cores; the first real page then took 0.1 of its time without (BENCHMARKS.md, startup). */
  public static final int DEFAULT_PAGES = 1500;
  /** A slow or busy machine stops warming up here and starts anyway. */
  public static final long DEFAULT_MAX_MS = 20_000;
  /** Rounds in flight at once: enough to reach every event loop, few enough not to queue. */
  public static final int DEFAULT_CONCURRENCY = 4;

  private int pages = DEFAULT_PAGES;
  private long maxMs = DEFAULT_MAX_MS;
  private int concurrency = DEFAULT_CONCURRENCY;

  public WarmUpOptions() {
  }

  public WarmUpOptions(JsonObject config) {
    JsonObject section = GatewayConfig.section(config, "warmUp");
    pages = Math.max(0, section.getInteger("pages", DEFAULT_PAGES));
    maxMs = Math.max(0, section.getLong("maxMs", DEFAULT_MAX_MS));
  }

  public int getPages() {
    return pages;
  }

  public WarmUpOptions setPages(int pages) {
    this.pages = pages;
    return this;
  }

  public long getMaxMs() {
    return maxMs;
  }

  public WarmUpOptions setMaxMs(long maxMs) {
    this.maxMs = maxMs;
    return this;
  }

  public int getConcurrency() {
    return concurrency;
  }

  public WarmUpOptions setConcurrency(int concurrency) {
    this.concurrency = concurrency;
    return this;
  }

  public boolean isEnabled() {
    return pages > 0 && maxMs > 0;
  }
}
