package dev.edgegateway.identity;

import dev.edgegateway.config.ConfigReader;
import dev.edgegateway.config.Settings;
import dev.edgegateway.upstream.UpstreamOptions;
import io.vertx.core.json.JsonObject;

/**
 * Options of the identity capability: the {@code identity} and {@code klaviyo} settings and the {@code klaviyo}
 * upstream (see {@link Settings} for each). Texts are trimmed. {@link #toString()} never prints a secret.
 *
 * @param cookieSecret key material of the sealed {@code edge_id} cookie and of stored links; empty = a random key
 *     per process (cookies then die with it)
 * @param hashPepper the key of {@link ShopperHash}, never empty; gateways sharing one Redis must agree
 * @param customerTokenSecret HS256 secret of the storefront's customer JWTs; empty = identify is disabled
 * @param customerTokenIssuer required {@code iss} of customer tokens; empty = not checked
 * @param customerTokenAudience required {@code aud} of customer tokens; empty = not checked
 * @param linkTtlDays how long a customer -> exchange id link is kept after it was last written
 * @param klaviyoUrl Klaviyo's base URL, without a trailing slash
 * @param klaviyoPrivateKey the Klaviyo private API key; empty = Klaviyo is never called. Never log it
 * @param identifyPerCustomerPerMinute identifies of one customer a minute (as many at once); 0 = no limit
 * @param klaviyoBurstPerSecond, klaviyoSteadyPerMinute, klaviyoMaxQueued the client-side limits of Klaviyo calls
 * @param customerTokenMaxLifetimeSeconds a customer token whose {@code exp} is further away than this is refused
 */
public record IdentityOptions(String cookieSecret, int cookieMaxAgeDays, String hashPepper, String customerTokenSecret,
    String customerTokenIssuer, String customerTokenAudience, int customerTokenLeewaySeconds, int linkTtlDays,
    boolean klaviyoLookup, String klaviyoUrl, String klaviyoPrivateKey, String klaviyoRevision,
    UpstreamOptions klaviyoUpstream, int identifyPerCustomerPerMinute, int klaviyoBurstPerSecond,
    int klaviyoSteadyPerMinute, int klaviyoMaxQueued, int customerTokenMaxLifetimeSeconds) {
  /** Longest a day count may be (a hundred years): past it the seconds and millis would mean nothing. */
  private static final int MAX_DAYS = 36_500;

  public static IdentityOptions from(ConfigReader config) {
    String url = config.httpUrl(Settings.KLAVIYO_URL);
    while (url.endsWith("/")) {
      url = url.substring(0, url.length() - 1);
    }
    return new IdentityOptions(
        config.string(Settings.COOKIE_SECRET).trim(),
        config.intBetween(Settings.COOKIE_MAX_AGE_DAYS, 1, MAX_DAYS),
        config.stringOrDefault(Settings.HASH_PEPPER).trim(),
        config.string(Settings.CUSTOMER_TOKEN_SECRET).trim(),
        config.string(Settings.CUSTOMER_TOKEN_ISSUER).trim(),
        config.string(Settings.CUSTOMER_TOKEN_AUDIENCE).trim(),
        config.intBetween(Settings.CUSTOMER_TOKEN_LEEWAY_S, 0, MAX_DAYS),
        config.intBetween(Settings.LINK_TTL_DAYS, 1, MAX_DAYS),
        config.bool(Settings.KLAVIYO_LOOKUP),
        url,
        config.string(Settings.KLAVIYO_PRIVATE_KEY).trim(),
        config.stringOrDefault(Settings.KLAVIYO_REVISION).trim(),
        UpstreamOptions.forUpstream(config, "klaviyo"),
        config.nonNegativeInt(Settings.IDENTIFY_PER_CUSTOMER_PER_MIN),
        config.positiveInt(Settings.KLAVIYO_BURST_PER_S),
        config.positiveInt(Settings.KLAVIYO_STEADY_PER_MIN),
        config.nonNegativeInt(Settings.KLAVIYO_MAX_QUEUED),
        config.intBetween(Settings.CUSTOMER_TOKEN_MAX_LIFETIME_S, 1, Integer.MAX_VALUE));
  }

  /** From the gateway's whole config (or part of it, over the defaults); null = all defaults. */
  public static IdentityOptions from(JsonObject config) {
    return from(ConfigReader.of(config));
  }

  /** Maximum age of a sealed cookie, in seconds (its {@code Max-Age}). */
  public long cookieMaxAgeSeconds() {
    return cookieMaxAgeDays * 86_400L;
  }

  public long linkTtlMillis() {
    return linkTtlDays * 86_400_000L;
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
        + ", hashPepper=" + (hashPepper.equals(Settings.HASH_PEPPER.defaultValue()) ? "default" : "set")
        + ", customerTokenSecret=" + (customerTokenSecret.isEmpty() ? "unset" : "set")
        + ", customerTokenIssuer=" + (customerTokenIssuer.isEmpty() ? "-" : customerTokenIssuer)
        + ", customerTokenAudience=" + (customerTokenAudience.isEmpty() ? "-" : customerTokenAudience)
        + ", customerTokenLeewaySeconds=" + customerTokenLeewaySeconds
        + ", linkTtlDays=" + linkTtlDays
        + ", klaviyoLookup=" + klaviyoLookup
        + ", klaviyoUrl=" + klaviyoUrl
        + ", klaviyoPrivateKey=" + (klaviyoPrivateKey.isEmpty() ? "unset" : "set")
        + ", klaviyoRevision=" + klaviyoRevision
        + ", klaviyoUpstream=" + klaviyoUpstream
        + ", identifyPerCustomerPerMinute=" + identifyPerCustomerPerMinute
        + ", klaviyoBurstPerSecond=" + klaviyoBurstPerSecond
        + ", klaviyoSteadyPerMinute=" + klaviyoSteadyPerMinute
        + ", klaviyoMaxQueued=" + klaviyoMaxQueued
        + ", customerTokenMaxLifetimeSeconds=" + customerTokenMaxLifetimeSeconds + "]";
  }
}
