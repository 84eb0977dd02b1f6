package dev.edgegateway.identity;

import dev.edgegateway.upstream.UpstreamOptions;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.URISyntaxException;

/**
 * Options of the identity capability, read from the gateway's whole configuration: the {@code identity}
 * section, the {@code klaviyo} section and {@code upstream.klaviyo} (over {@code upstream.defaults}). A missing section or key takes its
 * {@code DEFAULT_*}. Numbers may also be given as numeric strings (environment variables); a value of the
 * wrong type or out of range fails at startup with the option's name, never silently.
 * {@link #toString()} never prints a secret.
 */
public final class IdentityOptions {
  /** {@code identity.cookieSecret}: key material of the sealed {@code edge_id} cookie and of stored links.
   * Empty = a random key per process (a WARN says so): cookies then die with the process. */
  public static final String DEFAULT_COOKIE_SECRET = "";
  /** {@code identity.cookieMaxAgeDays}: a sealed cookie older than this opens to nothing. */
  public static final int DEFAULT_COOKIE_MAX_AGE_DAYS = 30;
  /** {@code identity.hashPepper}: the key of {@link ShopperHash}. Gateways sharing one Redis must agree. */
  public static final String DEFAULT_HASH_PEPPER = ShopperHash.DEFAULT_PEPPER;
  /** {@code identity.customerTokenSecret}: HS256 secret of the storefront's customer JWTs (e.g. the
   * BigCommerce app client secret). Empty = {@code identify} is disabled (NOT_FOUND). */
  public static final String DEFAULT_CUSTOMER_TOKEN_SECRET = "";
  /** {@code identity.customerTokenIssuer}: required {@code iss} of customer tokens; empty = not checked. */
  public static final String DEFAULT_CUSTOMER_TOKEN_ISSUER = "";
  /** {@code identity.customerTokenAudience}: required {@code aud} of customer tokens; empty = not checked. */
  public static final String DEFAULT_CUSTOMER_TOKEN_AUDIENCE = "";
  /** {@code identity.customerTokenLeewaySeconds}: clock skew tolerated on {@code exp}/{@code iat}. */
  public static final int DEFAULT_CUSTOMER_TOKEN_LEEWAY_SECONDS = 30;
  /** {@code identity.linkTtlDays}: how long a customer -> exchange id link is kept after it was last written
   * (by an identify that carried an exchange id). */
  public static final int DEFAULT_LINK_TTL_DAYS = 30;
  /** {@code identity.klaviyoLookup}: whether identify may call Klaviyo (profile import, email lookup). */
  public static final boolean DEFAULT_KLAVIYO_LOOKUP = true;
  /** {@code klaviyo.url}: base URL of the Klaviyo REST API. */
  public static final String DEFAULT_KLAVIYO_URL = "https://a.klaviyo.com";
  /** {@code klaviyo.privateKey}: the Klaviyo private API key; empty = Klaviyo is never called. */
  public static final String DEFAULT_KLAVIYO_PRIVATE_KEY = "";
  /** {@code klaviyo.revision}: the {@code revision} header of every Klaviyo call. */
  public static final String DEFAULT_KLAVIYO_REVISION = "2026-07-15";

  private final String cookieSecret;
  private final int cookieMaxAgeDays;
  private final String hashPepper;
  private final String customerTokenSecret;
  private final String customerTokenIssuer;
  private final String customerTokenAudience;
  private final int customerTokenLeewaySeconds;
  private final int linkTtlDays;
  private final boolean klaviyoLookup;
  private final String klaviyoUrl;
  private final String klaviyoPrivateKey;
  private final String klaviyoRevision;
  private final UpstreamOptions klaviyoUpstream;

  /** All defaults. */
  public IdentityOptions() {
    this(new JsonObject());
  }

  /** From the gateway's whole configuration (not just the {@code identity} section). */
  public IdentityOptions(JsonObject config) {
    JsonObject root = config == null ? new JsonObject() : config;
    JsonObject identity = section(root, "identity");
    JsonObject klaviyo = section(root, "klaviyo");
    JsonObject upstream = section(root, "upstream");

    cookieSecret = string(identity, "identity.", "cookieSecret", DEFAULT_COOKIE_SECRET);
    cookieMaxAgeDays = positiveInt(identity, "identity.", "cookieMaxAgeDays", DEFAULT_COOKIE_MAX_AGE_DAYS);
    String pepper = string(identity, "identity.", "hashPepper", DEFAULT_HASH_PEPPER);
    hashPepper = pepper.isEmpty() ? DEFAULT_HASH_PEPPER : pepper;
    customerTokenSecret = string(identity, "identity.", "customerTokenSecret", DEFAULT_CUSTOMER_TOKEN_SECRET);
    customerTokenIssuer = string(identity, "identity.", "customerTokenIssuer", DEFAULT_CUSTOMER_TOKEN_ISSUER);
    customerTokenAudience = string(identity, "identity.", "customerTokenAudience", DEFAULT_CUSTOMER_TOKEN_AUDIENCE);
    customerTokenLeewaySeconds = nonNegativeInt(identity, "identity.", "customerTokenLeewaySeconds",
        DEFAULT_CUSTOMER_TOKEN_LEEWAY_SECONDS);
    linkTtlDays = positiveInt(identity, "identity.", "linkTtlDays", DEFAULT_LINK_TTL_DAYS);
    klaviyoLookup = bool(identity, "identity.", "klaviyoLookup", DEFAULT_KLAVIYO_LOOKUP);

    klaviyoUrl = baseUrl(string(klaviyo, "klaviyo.", "url", DEFAULT_KLAVIYO_URL));
    klaviyoPrivateKey = string(klaviyo, "klaviyo.", "privateKey", DEFAULT_KLAVIYO_PRIVATE_KEY);
    String revision = string(klaviyo, "klaviyo.", "revision", DEFAULT_KLAVIYO_REVISION);
    klaviyoRevision = revision.isEmpty() ? DEFAULT_KLAVIYO_REVISION : revision;
    JsonObject upstreamKlaviyo = section(upstream, "defaults").copy();
    upstreamKlaviyo.mergeIn(section(upstream, "klaviyo"));
    klaviyoUpstream = new UpstreamOptions(upstreamKlaviyo);
  }

  private static JsonObject section(JsonObject parent, String key) {
    Object value = parent.getValue(key);
    if (value == null) {
      return new JsonObject();
    }
    if (value instanceof JsonObject json) {
      return json;
    }
    if (value instanceof java.util.Map<?, ?>) {
      return parent.getJsonObject(key);
    }
    throw new IllegalArgumentException("config section '" + key + "' must be an object");
  }

  private static String string(JsonObject json, String prefix, String key, String def) {
    Object value = json.getValue(key);
    if (value == null) {
      return def;
    }
    if (value instanceof String s) {
      return s.trim();
    }
    throw new IllegalArgumentException(prefix + key + " must be a string");
  }

  private static boolean bool(JsonObject json, String prefix, String key, boolean def) {
    Object value = json.getValue(key);
    if (value == null) {
      return def;
    }
    if (value instanceof Boolean b) {
      return b;
    }
    if (value instanceof String s && (s.trim().equalsIgnoreCase("true") || s.trim().equalsIgnoreCase("false"))) {
      return Boolean.parseBoolean(s.trim());
    }
    throw new IllegalArgumentException(prefix + key + " must be true or false");
  }

  private static int nonNegativeInt(JsonObject json, String prefix, String key, int def) {
    Object value = json.getValue(key);
    if (value == null) {
      return def;
    }
    long parsed;
    if (value instanceof Number n && n.doubleValue() == Math.rint(n.doubleValue())) {
      parsed = n.longValue();
    } else if (value instanceof String s) {
      try {
        parsed = Long.parseLong(s.trim());
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(prefix + key + " must be a whole number");
      }
    } else {
      throw new IllegalArgumentException(prefix + key + " must be a whole number");
    }
    if (parsed < 0 || parsed > 36_500) {
      throw new IllegalArgumentException(prefix + key + " is out of range: " + parsed);
    }
    return (int) parsed;
  }

  private static int positiveInt(JsonObject json, String prefix, String key, int def) {
    int value = nonNegativeInt(json, prefix, key, def);
    if (value == 0) {
      throw new IllegalArgumentException(prefix + key + " must be at least 1");
    }
    return value;
  }

  private static String baseUrl(String url) {
    String trimmed = url.isEmpty() ? DEFAULT_KLAVIYO_URL : url;
    while (trimmed.endsWith("/")) {
      trimmed = trimmed.substring(0, trimmed.length() - 1);
    }
    try {
      URI uri = new URI(trimmed);
      String scheme = uri.getScheme();
      if (uri.getHost() == null || !("http".equals(scheme) || "https".equals(scheme))) {
        throw new IllegalArgumentException("klaviyo.url must be an http(s) URL");
      }
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("klaviyo.url must be an http(s) URL");
    }
    return trimmed;
  }

  /** The sealed cookie's key material; empty = random per process. */
  public String getCookieSecret() {
    return cookieSecret;
  }

  /** Maximum age of a sealed cookie, in days. */
  public int getCookieMaxAgeDays() {
    return cookieMaxAgeDays;
  }

  public long getCookieMaxAgeSeconds() {
    return cookieMaxAgeDays * 86_400L;
  }

  /** The {@link ShopperHash} key (never empty: falls back to the default). */
  public String getHashPepper() {
    return hashPepper;
  }

  /** HS256 secret of customer tokens; empty = identify disabled. */
  public String getCustomerTokenSecret() {
    return customerTokenSecret;
  }

  /** Required token issuer; empty = not checked. */
  public String getCustomerTokenIssuer() {
    return customerTokenIssuer;
  }

  /** Required token audience; empty = not checked. */
  public String getCustomerTokenAudience() {
    return customerTokenAudience;
  }

  /** Clock skew tolerated when checking a token's times, in seconds. */
  public int getCustomerTokenLeewaySeconds() {
    return customerTokenLeewaySeconds;
  }

  /** How long a customer link is kept, in days. */
  public int getLinkTtlDays() {
    return linkTtlDays;
  }

  public long getLinkTtlMillis() {
    return linkTtlDays * 86_400_000L;
  }

  /** Whether identify may call Klaviyo at all (it also needs a private key). */
  public boolean isKlaviyoLookup() {
    return klaviyoLookup;
  }

  /** Klaviyo's base URL, without a trailing slash. */
  public String getKlaviyoUrl() {
    return klaviyoUrl;
  }

  /** The Klaviyo private API key; never log it. */
  public String getKlaviyoPrivateKey() {
    return klaviyoPrivateKey;
  }

  public String getKlaviyoRevision() {
    return klaviyoRevision;
  }

  /** Timeouts, retries and breaker of Klaviyo calls: {@code upstream.defaults} overlaid with {@code upstream.klaviyo}. */
  public UpstreamOptions getKlaviyoUpstream() {
    return klaviyoUpstream;
  }

  /** Whether {@code POST /v1/identify} is served (a customer token secret is configured). */
  public boolean identifyEnabled() {
    return !customerTokenSecret.isEmpty();
  }

  /** Whether identify calls Klaviyo: a private key is set and {@code klaviyoLookup} is on. */
  public boolean klaviyoEnabled() {
    return klaviyoLookup && !klaviyoPrivateKey.isEmpty();
  }

  @Override
  public String toString() {
    return "IdentityOptions[cookieSecret=" + (cookieSecret.isEmpty() ? "unset" : "set")
        + ", cookieMaxAgeDays=" + cookieMaxAgeDays
        + ", hashPepper=" + (hashPepper.equals(DEFAULT_HASH_PEPPER) ? "default" : "set")
        + ", customerTokenSecret=" + (customerTokenSecret.isEmpty() ? "unset" : "set")
        + ", customerTokenIssuer=" + (customerTokenIssuer.isEmpty() ? "-" : customerTokenIssuer)
        + ", customerTokenAudience=" + (customerTokenAudience.isEmpty() ? "-" : customerTokenAudience)
        + ", customerTokenLeewaySeconds=" + customerTokenLeewaySeconds
        + ", linkTtlDays=" + linkTtlDays
        + ", klaviyoLookup=" + klaviyoLookup
        + ", klaviyoUrl=" + klaviyoUrl
        + ", klaviyoPrivateKey=" + (klaviyoPrivateKey.isEmpty() ? "unset" : "set")
        + ", klaviyoRevision=" + klaviyoRevision + "]";
  }
}
