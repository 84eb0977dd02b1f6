package dev.edgegateway.cache;

import io.vertx.core.json.JsonObject;

/** Bounds of a {@link SingleFlight}. */
public final class SingleFlightOptions {
  /** After this long a flight stops accepting followers and a newcomer starts a fresh one. */
  public static final long DEFAULT_MAX_FLIGHT_AGE_MS = 10_000;
  /** Followers one key may have before newcomers are turned away with OVERLOADED. */
  public static final int DEFAULT_MAX_WAITERS_PER_KEY = 10_000;
  /** Flights in the air at once, all keys together, before new leaders are turned away. */
  public static final int DEFAULT_MAX_FLIGHTS = 50_000;

  private long maxFlightAgeMs = DEFAULT_MAX_FLIGHT_AGE_MS;
  private int maxWaitersPerKey = DEFAULT_MAX_WAITERS_PER_KEY;
  private int maxFlights = DEFAULT_MAX_FLIGHTS;

  public SingleFlightOptions() {
  }

  public SingleFlightOptions(JsonObject json) {
    maxFlightAgeMs = json.getLong("maxFlightAgeMs", DEFAULT_MAX_FLIGHT_AGE_MS);
    maxWaitersPerKey = json.getInteger("maxWaitersPerKey", DEFAULT_MAX_WAITERS_PER_KEY);
    maxFlights = json.getInteger("maxFlights", DEFAULT_MAX_FLIGHTS);
  }

  public long getMaxFlightAgeMs() {
    return maxFlightAgeMs;
  }

  public SingleFlightOptions setMaxFlightAgeMs(long maxFlightAgeMs) {
    this.maxFlightAgeMs = maxFlightAgeMs;
    return this;
  }

  public int getMaxWaitersPerKey() {
    return maxWaitersPerKey;
  }

  public SingleFlightOptions setMaxWaitersPerKey(int maxWaitersPerKey) {
    this.maxWaitersPerKey = maxWaitersPerKey;
    return this;
  }

  public int getMaxFlights() {
    return maxFlights;
  }

  public SingleFlightOptions setMaxFlights(int maxFlights) {
    this.maxFlights = maxFlights;
    return this;
  }
}
