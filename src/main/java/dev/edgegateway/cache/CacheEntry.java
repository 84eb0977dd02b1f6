package dev.edgegateway.cache;

/**
 * A cached value with its three ages, as wall-clock epoch milliseconds (so gateways sharing Redis agree):
 * fresh until {@code freshUntil}; past it, served at once while one background refresh runs until
 * {@code staleUntil}; past that and until {@code keepUntil}, served only when a refresh fails.
 * A negative entry records a typed "nothing here" answer (no segments, upstream 4xx); its value says why.
 */
public record CacheEntry<V>(V value, long freshUntil, long staleUntil, long keepUntil, boolean negative) {

  public CacheEntry {
    if (staleUntil < freshUntil) {
      staleUntil = freshUntil;
    }
    if (keepUntil < staleUntil) {
      keepUntil = staleUntil;
    }
  }

  public static <V> CacheEntry<V> of(V value, long freshMillis, long staleMillis, long keepMillis) {
    long now = System.currentTimeMillis();
    return new CacheEntry<>(value, now + freshMillis, now + freshMillis + staleMillis,
        now + freshMillis + staleMillis + keepMillis, false);
  }

  public static <V> CacheEntry<V> negative(V reason, long freshMillis) {
    long until = System.currentTimeMillis() + freshMillis;
    return new CacheEntry<>(reason, until, until, until, true);
  }

  public boolean isFresh(long nowMillis) {
    return nowMillis < freshUntil;
  }

  /** Past fresh but inside the stale-while-revalidate window. */
  public boolean isRevalidatable(long nowMillis) {
    return nowMillis >= freshUntil && nowMillis < staleUntil;
  }

  /** Still worth keeping: servable as a fallback when a refresh fails. */
  public boolean isKept(long nowMillis) {
    return nowMillis < keepUntil;
  }

  /** Milliseconds a store should keep this entry from {@code nowMillis}; 0 means it is already gone. */
  public long storeMillis(long nowMillis) {
    return Math.max(0, keepUntil - nowMillis);
  }

  public <W> CacheEntry<W> withValue(W other) {
    return new CacheEntry<>(other, freshUntil, staleUntil, keepUntil, negative);
  }

  @Override
  public String toString() {
    return "CacheEntry[negative=" + negative + ", freshUntil=" + freshUntil + ", keepUntil=" + keepUntil + "]";
  }
}
