package dev.edgegateway.cache;

/** How a read-through answer was obtained; the value of the {@code X-Cache} header and a metric tag. */
public enum CacheStatus {
  HIT_L1("hit-l1"),
  HIT_L2("hit-l2"),
  MISS("miss"),
  /** Served past its fresh age: while revalidating, or because the refresh failed. */
  STALE("stale"),
  NEGATIVE("negative"),
  /** Caching is switched off for this call path. */
  BYPASS("bypass");

  private final String header;

  CacheStatus(String header) {
    this.header = header;
  }

  public String header() {
    return header;
  }

  public static CacheStatus of(CacheTier tier) {
    return tier == CacheTier.L2 ? HIT_L2 : HIT_L1;
  }

  /** The least favourable of two statuses, for a response assembled from several lookups. */
  public CacheStatus worst(CacheStatus other) {
    return other.ordinal() > ordinal() ? other : this;
  }
}
