package dev.edgegateway.http;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.edgegateway.cache.LoopUpkeep;
import dev.edgegateway.flow.Outcome;
import dev.edgegateway.metrics.Metrics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * How an answer tells a CDN whether it may keep it. One that is the same for every anonymous visitor goes out
 * {@code public} for as long as the gateway itself holds its inputs fresh, with a strong {@code ETag} (a GET that
 * already holds it gets {@code 304}) and the surrogate key a purge names ({@code Surrogate-Key} for Fastly and
 * Varnish, {@code Cache-Tag} for Cloudflare); anything else {@code private, no-store}. Either way {@code Vary} names
 * the request headers the answer depends on. Counted in {@code edge_cdn_answers_total{route,cacheability}}.
 */
final class CdnAnswers {
  static final String PUBLIC = "public";
  static final String PRIVATE = "private";
  static final String NOT_MODIFIED = "not_modified";
  /** The routes whose answers may be shared. */
  static final String[] ROUTES = {"recommendations", "klevu_settings", "klevu_search"};

  private static final Base64.Encoder BASE64URL = Base64.getUrlEncoder().withoutPadding();
  private static final ThreadLocal<MessageDigest> SHA256 = ThreadLocal.withInitial(() -> {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  });

  private final CdnOptions options;
  /** What a fresh shared banner says, written once. */
  private final String bannerCacheControl;
  private final Map<String, Counter> counters = new HashMap<>();
  /** ETags of the memo's page bodies, by identity: a warm banner is digested once, not per answer. */
  private final Cache<Buffer, String> memoTags = Caffeine.newBuilder().weakKeys().maximumSize(100_000)
      .executor(LoopUpkeep.INSTANCE).build();

  CdnAnswers(CdnOptions options, MeterRegistry registry) {
    this.options = options;
    this.bannerCacheControl = cacheControl(options, options.bannerMaxAgeSeconds());
    for (String route : ROUTES) {
      for (String cacheability : new String[] {PUBLIC, PRIVATE, NOT_MODIFIED}) {
        counters.put(route + cacheability,
            Metrics.counter(registry, "edge_cdn_answers_total", "route", route, "cacheability", cacheability));
      }
    }
  }

  CdnOptions options() {
    return options;
  }

  /** The key of the Klevu-compatible search answers (by payload: no recsKey names them). */
  static final String SEARCH_SURROGATE_KEY = "klevu-search";
  /** A payload key that may name a visitor (a session, a user profile): its answer is not shared. */
  private static final Pattern VISITOR_KEY = Pattern.compile("\"[A-Za-z_$]*(?i:session|visitor|user|profile)[A-Za-z_]*\"\\s*:");

  /** Whether a search payload may carry something of one visitor's. */
  static boolean namesVisitor(JsonObject payload) {
    return payload != null && VISITOR_KEY.matcher(payload.encode()).find();
  }

  /** What is left of an answer's freshness at the gateway, in seconds, at most {@code ttlSeconds}. */
  static long secondsLeft(long freshUntil, long ttlSeconds) {
    return Math.max(0, Math.min(ttlSeconds, (freshUntil - System.currentTimeMillis()) / 1000));
  }

  /** The key a CDN purges one recommendation's answers by. */
  static String surrogateKey(String recsKey) {
    return "recs-" + recsKey;
  }

  /**
   * A 200 any anonymous visitor may be given, fresh at a CDN for {@code maxAgeSeconds}; private instead when sharing
   * is off. {@code memoised}: {@code body} is a memo's, sent again as it is (its ETag is remembered).
   */
  void sendPublic(RoutingContext ctx, String route, Buffer body, boolean memoised, long maxAgeSeconds,
      String surrogateKey, String vary) {
    if (!options.shareable()) {
      sendPrivate(ctx, route, 200, Outcome.OK, body, vary);
      return;
    }
    HttpServerResponse response = ctx.response();
    String etag = memoised ? memoTags.get(body, CdnAnswers::etagOf) : etagOf(body);
    vary(response, vary);
    response.putHeader("ETag", etag)
        .putHeader("Surrogate-Key", surrogateKey)
        .putHeader("Cache-Tag", surrogateKey);
    String cacheControl = maxAgeSeconds == options.bannerMaxAgeSeconds() ? bannerCacheControl
        : cacheControl(options, maxAgeSeconds);
    HttpMethod method = ctx.request().method();
    if ((method == HttpMethod.GET || method == HttpMethod.HEAD)
        && matches(ctx.request().getHeader("If-None-Match"), etag)) {
      count(route, NOT_MODIFIED);
      Responses.notModified(ctx, cacheControl);
      return;
    }
    count(route, PUBLIC);
    Responses.json(ctx, 200, Outcome.OK, body, cacheControl);
  }

  private static String cacheControl(CdnOptions options, long maxAgeSeconds) {
    return "public, s-maxage=" + Math.max(0, maxAgeSeconds)
        + ", stale-while-revalidate=" + options.staleWhileRevalidateSeconds()
        + ", stale-if-error=" + options.staleIfErrorSeconds();
  }

  /** An answer that depends on the shopper, or that nobody should keep: {@code private, no-store}. */
  void sendPrivate(RoutingContext ctx, String route, int status, Outcome outcome, Buffer body, String vary) {
    vary(ctx.response(), vary);
    count(route, PRIVATE);
    Responses.json(ctx, status, outcome, body);
  }

  private void count(String route, String cacheability) {
    Counter counter = counters.get(route + cacheability);
    if (counter != null) {
      counter.increment();
    }
  }

  /** Adds {@code vary} to what the answer already varies on (CORS may have put {@code Origin} there). */
  private static void vary(HttpServerResponse response, String vary) {
    if (vary == null) {
      return;
    }
    String already = response.headers().get("Vary");
    response.putHeader("Vary", already == null || already.isBlank() ? vary : already + ", " + vary);
  }

  /** A strong validator: the body's digest, so equal bytes give the same tag on every gateway. */
  static String etagOf(Buffer body) {
    MessageDigest sha = SHA256.get();
    sha.reset();
    byte[] digest = sha.digest(body.getBytes());
    return "\"" + BASE64URL.encodeToString(digest).substring(0, 27) + "\"";
  }

  /** {@code If-None-Match} compares weakly (RFC 9110 §13.1.2): {@code W/} is ignored; {@code *} matches. */
  static boolean matches(String ifNoneMatch, String etag) {
    if (ifNoneMatch == null || ifNoneMatch.length() > 4_096) {
      return false;
    }
    for (String candidate : ifNoneMatch.split(",")) {
      String tag = candidate.trim();
      if (tag.startsWith("W/")) {
        tag = tag.substring(2);
      }
      if (tag.equals("*") || tag.equals(etag)) {
        return true;
      }
    }
    return false;
  }
}
