package dev.edgegateway.loadtest;

import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** Reads the simulator's call counters ({@code GET /__sim/stats}); blocking, for phase boundaries only. */
public final class SimStats {
  private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  private SimStats() {
  }

  public static JsonObject snapshot(String simBaseUrl) {
    try {
      HttpResponse<String> r = CLIENT.send(HttpRequest.newBuilder(URI.create(simBaseUrl + "/__sim/stats"))
          .timeout(Duration.ofSeconds(3)).GET().build(), HttpResponse.BodyHandlers.ofString());
      return new JsonObject(r.body()).put("at_ms", System.currentTimeMillis());
    } catch (Exception e) {
      return new JsonObject().put("error", e.toString()).put("at_ms", System.currentTimeMillis());
    } 
  }
}
