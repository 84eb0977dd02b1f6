package dev.edgegateway.config;

/**
 * One knob: its environment variable, its path in {@code conf/config.yaml}, its default, what it does, and
 * the metric that shows it acting. {@link Settings#ALL} is the single list the loader, the defaults and the
 * README's configuration table come from.
 */
public record Setting(String env, String path, Object defaultValue, String doc, String metric) {

  public enum Kind { STRING, INT, LONG, DOUBLE, BOOLEAN, LIST }

  public Kind kind() {
    if (defaultValue instanceof Boolean) {
      return Kind.BOOLEAN;
    }
    if (defaultValue instanceof Integer) {
      return Kind.INT;
    }
    if (defaultValue instanceof Long) {
      return Kind.LONG;
    }
    if (defaultValue instanceof Double) {
      return Kind.DOUBLE;
    }
    if (defaultValue instanceof java.util.List) {
      return Kind.LIST;
    }
    return Kind.STRING;
  }
}
