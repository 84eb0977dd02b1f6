package dev.edgegateway.loadtest.gatling;

import io.vertx.core.json.JsonObject;
import java.net.URI;

/** Simulation parameters, all from {@code -Dlt.*} system properties (run.sh sets them). */
final class Params {
  private Params() {
  }

  static String str(String name, String dflt) {
    String v = System.getProperty("lt." + name);
    return v == null || v.isBlank() ? dflt : v;
  }

  static int integer(String name, int dflt) {
    return Integer.parseInt(str(name, Integer.toString(dflt)));
  }

  static double dbl(String name, double dflt) {
    return Double.parseDouble(str(name, Double.toString(dflt)));
  }

  /** Refuses anything but a loopback URL: load only ever targets this machine. */
  static String loopbackUrl(String name, String dflt) {
    String url = str(name, dflt);
    String host = URI.create(url).getHost();
    if (!"127.0.0.1".equals(host) && !"localhost".equals(host)) {
      throw new IllegalArgumentException("lt." + name + " must point at 127.0.0.1, got " + url);
    }
    return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
  }

  /** Every lt.* property, for the result file. */
  static JsonObject all() {
    JsonObject o = new JsonObject();
    System.getProperties().stringPropertyNames().stream().filter(k -> k.startsWith("lt.")).sorted()
        .forEach(k -> o.put(k.substring(3), System.getProperty(k)));
    return o;
  }
}
