package dev.edgegateway;

import io.vertx.core.Future;
import io.vertx.ext.web.client.WebClient;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * One scrape of a gateway's {@code /metrics} (Prometheus text format 0.0.4, what a scrape without an
 * {@code Accept} header gets): the families with their {@code # HELP} and {@code # TYPE}, and the sample names.
 */
record PrometheusScrape(String text, Map<String, String> help, Map<String, String> types, Set<String> samples) {

  /** Scrapes the ops port of {@code gw} on loopback. */
  static Future<PrometheusScrape> of(TestGateway gw) {
    WebClient client = WebClient.create(gw.vertx);
    return client.get(gw.gateway.opsPort(), "127.0.0.1", "/metrics").send()
        .map(response -> {
          if (response.statusCode() != 200) {
            throw new IllegalStateException("/metrics answered " + response.statusCode());
          }
          return parse(response.bodyAsString());
        })
        .eventually(() -> {
          client.close();
          return Future.succeededFuture();
        });
  }

  static PrometheusScrape parse(String text) {
    Map<String, String> help = new LinkedHashMap<>();
    Map<String, String> types = new LinkedHashMap<>();
    Set<String> samples = new LinkedHashSet<>();
    for (String line : text.split("\n")) {
      if (line.startsWith("# HELP ")) {
        String[] parts = line.substring("# HELP ".length()).split(" ", 2);
        help.put(parts[0], parts.length > 1 ? parts[1] : "");
      } else if (line.startsWith("# TYPE ")) {
        String[] parts = line.substring("# TYPE ".length()).split(" ", 2);
        types.put(parts[0], parts.length > 1 ? parts[1] : "");
      } else if (!line.isBlank() && !line.startsWith("#")) {
        int end = 0;
        while (end < line.length() && line.charAt(end) != '{' && line.charAt(end) != ' ') {
          end++;
        }
        samples.add(line.substring(0, end));
      }
    }
    return new PrometheusScrape(text, help, types, samples);
  }
}
