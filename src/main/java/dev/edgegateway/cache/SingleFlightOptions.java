package dev.edgegateway.cache;

import dev.edgegateway.config.ConfigReader;
import dev.edgegateway.config.Settings;

/**
 * Bounds of a {@link SingleFlight}.
 *
 * @param maxFlightAgeMs after this long a flight stops accepting followers and a newcomer starts a fresh one
 * @param maxWaitersPerKey followers one key may have before newcomers are turned away with OVERLOADED
 * @param maxFlights flights in the air at once, all keys together, before new leaders are turned away
 */
public record SingleFlightOptions(long maxFlightAgeMs, int maxWaitersPerKey, int maxFlights) {

  public static SingleFlightOptions from(ConfigReader config) {
    return new SingleFlightOptions(
        config.positiveLong(Settings.FLIGHT_MAX_AGE_MS),
        config.positiveInt(Settings.FLIGHT_MAX_WAITERS),
        config.positiveInt(Settings.FLIGHT_MAX_FLIGHTS));
  }

  public static SingleFlightOptions defaults() {
    return from(ConfigReader.defaults());
  }
}
