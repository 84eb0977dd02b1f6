package dev.edgegateway.logs;

import ch.qos.logback.core.PropertyDefinerBase;
import java.util.Locale;
import java.util.Map;

/**
 * {@code EDGE_LOG_FORMAT} as {@code logback.xml} uses it: {@code text}, or {@code json} for anything else (a typo
 * must not leave the gateway without logs). A system property of the same name wins over the environment.
 */
public final class LogFormat extends PropertyDefinerBase {
  public static final String VARIABLE = "EDGE_LOG_FORMAT";
  public static final String JSON = "json";
  public static final String TEXT = "text";

  @Override
  public String getPropertyValue() {
    String property = System.getProperty(VARIABLE);
    return property != null ? of(Map.of(VARIABLE, property)) : of(System.getenv());
  }

  /** The format {@code environment} selects. */
  public static String of(Map<String, String> environment) {
    String value = environment.get(VARIABLE);
    return value != null && value.trim().toLowerCase(Locale.ROOT).equals(TEXT) ? TEXT : JSON;
  }
}
