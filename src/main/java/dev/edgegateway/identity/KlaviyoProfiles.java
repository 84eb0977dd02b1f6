package dev.edgegateway.identity;

import dev.edgegateway.flow.Deadline;
import dev.edgegateway.flow.OutcomeException;
import dev.edgegateway.metrics.Metrics;
import dev.edgegateway.upstream.UpstreamClient;
import dev.edgegateway.upstream.UpstreamRequest;
import dev.edgegateway.upstream.UpstreamResponse;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The identify's calls to Klaviyo, best effort: through an {@link UpstreamClient} named {@code klaviyo}, and before
 * that through the {@link KlaviyoLimiter} that keeps this gateway within Klaviyo's rate limits. A failed or skipped
 * call is logged with hashes only and never fails an identify.
 */
final class KlaviyoProfiles {
  /** Media type of Klaviyo's JSON:API. */
  static final String JSON_API = "application/vnd.api+json";
  /** Time kept back from the request deadline when calling Klaviyo, so the reply still makes it back. */
  static final long REPLY_RESERVE_MS = 50;

  private static final Logger LOG = LoggerFactory.getLogger(KlaviyoProfiles.class);

  private final IdentityOptions options;
  private final ShopperHash hash;
  private final UpstreamClient client;
  private final KlaviyoLimiter limits;

  KlaviyoProfiles(Vertx vertx, IdentityOptions options, ShopperHash hash) {
    this.options = options;
    this.hash = hash;
    this.client = new UpstreamClient(vertx, "klaviyo", options.klaviyoUpstream());
    this.limits = new KlaviyoLimiter(vertx, options.klaviyoBurstPerSecond(), options.klaviyoSteadyPerMinute(),
        options.klaviyoMaxQueued(), Metrics.of(vertx));
  }

  Future<Void> close() {
    return client.close();
  }

  /** What is left of the request deadline for a Klaviyo call, keeping time for the reply. */
  private static Deadline klaviyoBudget(Deadline deadline) {
    long remaining = deadline.remainingMillis();
    long reserve = Math.max(REPLY_RESERVE_MS, remaining / 5);
    return deadline.cap(Math.max(0, remaining - reserve));
  }

  private UpstreamRequest withHeaders(UpstreamRequest request) {
    return request
        .header("Authorization", "Klaviyo-API-Key " + options.klaviyoPrivateKey())
        .header("revision", options.klaviyoRevision())
        .header("Accept", JSON_API);
  }

  /** {@code POST /api/profile-import} with email and {@code _kx}, so Klaviyo links the two on its side. */
  Future<Void> importProfile(String email, String exchangeId, String customerHash, Deadline deadline) {
    Buffer body = new JsonObject().put("data", new JsonObject()
            .put("type", "profile")
            .put("attributes", new JsonObject().put("email", email).put("_kx", exchangeId)))
        .toBuffer();
    String url = options.klaviyoUrl() + "/api/profile-import";
    UpstreamRequest request = withHeaders(UpstreamRequest.postJson(url, body)).header("Content-Type", JSON_API);
    return klaviyoCall(request, klaviyoBudget(deadline))
        .<Void>map(response -> {
          LOG.debug("identify: klaviyo profile import done for customer={} profile={}", customerHash,
              hash.other(profileId(response.bodyAsString(), false)));
          return null;
        })
        .otherwise(t -> {
          klaviyoFailed("profile import", t, customerHash);
          return null;
        });
  }

  /**
   * {@code GET /api/profiles?filter=equals(email,"<email>")}: whether Klaviyo knows the shopper. The profile
   * id only ever becomes a hashed log field; the answer does not change the identify result.
   */
  Future<Void> lookupProfile(String email, String customerHash, Deadline deadline) {
    String filter = "equals(email," + Json.encode(email.trim().toLowerCase(Locale.ROOT)) + ")";
    String url = options.klaviyoUrl() + "/api/profiles";
    UpstreamRequest request = withHeaders(UpstreamRequest.get(UpstreamRequest.withQuery(url, "filter", filter,
        "page[size]", "1")));
    return klaviyoCall(request, klaviyoBudget(deadline))
        .<Void>map(response -> {
          String profile = profileId(response.bodyAsString(), true);
          LOG.info("identify: customer={} not linked; klaviyo profile={}", customerHash,
              profile == null ? "none" : hash.other(profile));
          return null;
        })
        .otherwise(t -> {
          klaviyoFailed("profile lookup", t, customerHash);
          return null;
        });
  }

  /** One Klaviyo call, when the client-side limits allow it before {@code budget} runs out. */
  private Future<UpstreamResponse> klaviyoCall(UpstreamRequest request, Deadline budget) {
    return limits.submit(() -> client.send(request, budget), budget);
  }

  private static void klaviyoFailed(String call, Throwable failure, String customerHash) {
    if (failure == KlaviyoLimiter.SKIPPED) {
      // our own limit, counted in edge_klaviyo_limiter_total: under a flood a line each would flood the log too
      LOG.debug("identify: klaviyo {} skipped (rate limit) for customer={}", call, customerHash);
    } else {
      LOG.warn("identify: klaviyo {} failed ({}) for customer={}", call, OutcomeException.outcomeOf(failure).tag(),
          customerHash);
    }
  }

  /** The profile id of a JSON:API answer ({@code data} an array when listing, an object when importing). */
  static String profileId(String body, boolean list) {
    if (body == null || body.isEmpty()) {
      return null;
    }
    try {
      JsonObject json = new JsonObject(body);
      Object data = json.getValue("data");
      JsonObject profile = null;
      if (list && data instanceof JsonArray array && !array.isEmpty() && array.getValue(0) instanceof JsonObject first) {
        profile = first;
      } else if (!list && data instanceof JsonObject object) {
        profile = object;
      }
      return profile != null && profile.getValue("id") instanceof String id ? id : null;
    } catch (RuntimeException e) {
      return null;
    }
  }
}
