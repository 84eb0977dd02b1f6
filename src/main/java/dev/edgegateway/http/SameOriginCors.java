package dev.edgegateway.http;

import dev.edgegateway.config.Settings;
import dev.edgegateway.flow.Outcome;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.CorsHandler;
import io.vertx.ext.web.handler.SecurityPolicyHandler;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which pages may call the gateway from a browser. A request whose {@code Origin} is one of {@code EDGE_CORS_ORIGINS}
 * gets CORS (vertx-web's CorsHandler, with credentials); one from the gateway's own pages ({@code Origin} is the
 * request's {@code Host}, as /demo/ or a CDN mapping the gateway under the shop's origin) passes as it is; any other
 * {@code Origin} gets a JSON 403 nobody caches, logged at debug only (anyone can send them, so they are no
 * operator's error). The routes that change state ({@link #stateChanging}) also refuse what a cross-site page can
 * send without a preflight: a body that is not {@code application/json}, and {@code Sec-Fetch-Site: cross-site}
 * from an origin that is not listed.
 */
final class SameOriginCors implements Handler<RoutingContext> {
  private static final Logger LOG = LoggerFactory.getLogger(SameOriginCors.class);
  private static final Pattern ORIGIN = Pattern.compile("https?://[a-z0-9.-]+(:[0-9]{1,5})?|https?://\\[[0-9a-f:.]+\\](:[0-9]{1,5})?");

  private final Set<String> origins;
  private final CorsHandler cors;

  SameOriginCors(List<String> origins) {
    this.origins = Set.copyOf(origins);
    this.cors = CorsHandler.create()
        .addOrigins(origins)
        .allowCredentials(true)
        .allowedMethods(Set.of(HttpMethod.GET, HttpMethod.POST, HttpMethod.OPTIONS))
        .allowedHeaders(Set.of("Content-Type", "Accept", "X-Request-Id", "traceparent", "tracestate"))
        .exposedHeaders(Set.of("X-Cache", "X-Edge-Outcome", "Server-Timing", "X-Request-Id"))
        .maxAgeSeconds(600);
  }

  /**
   * {@code EDGE_CORS_ORIGINS} as configured: exact {@code scheme://host[:port]} origins, lower-cased, a trailing
   * slash dropped. {@code *} (any page, with the shopper's cookies) and {@code null} (sandboxed frames and files,
   * which any page can make) stop the start, as does anything else that is not an origin.
   */
  static List<String> origins(List<String> configured) {
    List<String> origins = new ArrayList<>();
    for (String entry : configured) {
      String origin = entry.trim().toLowerCase(Locale.ROOT);
      origin = origin.endsWith("/") ? origin.substring(0, origin.length() - 1) : origin;
      String where = Settings.CORS_ORIGINS.path() + " (" + Settings.CORS_ORIGINS.env() + ")";
      if (origin.contains("*") || origin.equals("null")) {
        throw new IllegalArgumentException(where + " must list exact origins: '" + entry
            + "' would let any page call the gateway with its shoppers' cookies");
      }
      if (!ORIGIN.matcher(origin).matches()) {
        throw new IllegalArgumentException(where + " must list origins as scheme://host[:port], got '" + entry + "'");
      }
      origins.add(origin);
    }
    return List.copyOf(origins);
  }

  @Override
  public void handle(RoutingContext ctx) {
    String origin = ctx.request().getHeader("Origin");
    if (origin == null) {
      ctx.next();
    } else if (listed(origin)) {
      cors.handle(ctx);
    } else if (sameOrigin(origin, ctx.request().getHeader("Host"))) {
      ctx.next();
    } else {
      refuse(ctx, "origin not allowed");
    }
  }

  /**
   * Before a route that changes state: what a cross-site page could send without a preflight is refused, before its
   * body is read (a security-policy handler, which vertx-web runs ahead of the body handler).
   */
  SecurityPolicyHandler stateChanging(String route) {
    return ctx -> {
      ctx.put(RequestMetric.ROUTE_KEY, route);
      String origin = ctx.request().getHeader("Origin");
      if ("cross-site".equalsIgnoreCase(ctx.request().getHeader("Sec-Fetch-Site")) && (origin == null || !listed(origin))) {
        refuse(ctx, "cross-site request");
      } else if (!isJson(ctx.request().getHeader("Content-Type"))) {
        Responses.error(ctx, Outcome.UNSUPPORTED_MEDIA_TYPE, "the body must be sent as application/json", 0);
      } else {
        ctx.next();
      }
    };
  }

  private boolean listed(String origin) {
    return origins.contains(origin.toLowerCase(Locale.ROOT));
  }

  private static void refuse(RoutingContext ctx, String why) {
    LOG.debug("refused: {} ({} {})", why, ctx.request().method(), ctx.request().path());
    Responses.error(ctx, Outcome.FORBIDDEN, why, 0);
  }

  /** {@code application/json}, with or without parameters such as {@code charset}. */
  static boolean isJson(String contentType) {
    if (contentType == null) {
      return false;
    }
    int semicolon = contentType.indexOf(';');
    String type = (semicolon < 0 ? contentType : contentType.substring(0, semicolon)).trim();
    return type.equalsIgnoreCase("application/json");
  }

  /**
   * Whether a request's {@code Origin} is the gateway itself: its {@code host[:port]} is the request's
   * {@code Host} (either scheme: both are this gateway's own pages). A cross-site page cannot produce this
   * pair, so CORS has nothing to decide.
   */
  static boolean sameOrigin(String origin, String host) {
    if (origin == null || host == null || host.isBlank()) {
      return false;
    }
    String authority = origin.startsWith("https://") ? origin.substring(8)
        : origin.startsWith("http://") ? origin.substring(7) : null;
    return authority != null && authority.equalsIgnoreCase(host.trim());
  }
}
