package dev.edgegateway.segments;

import dev.edgegateway.bus.Bus;
import dev.edgegateway.flow.Deadline;
import dev.edgegateway.flow.Outcome;
import dev.edgegateway.flow.OutcomeException;
import dev.edgegateway.cache.CacheEntry;
import dev.edgegateway.cache.Loaded;
import dev.edgegateway.cache.ReadThroughCache;
import dev.edgegateway.config.ConfiguredVerticle;
import dev.edgegateway.metrics.Metrics;
import dev.edgegateway.upstream.UpstreamClient;
import dev.edgegateway.upstream.UpstreamRequest;
import io.micrometer.core.instrument.DistributionSummary;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Owns the Klevu visitor session (docs/upstream-apis.md §2). For an identified shopper, one session call per
 * shopper per TTL: cached by the hash of the exchange id and single-flighted, so a burst of first page loads
 * makes one call. An anonymous shopper gets a session (kept by the HTTP layer in a cookie) and no segments.
 */
public final class SegmentVerticle extends ConfiguredVerticle implements SegmentService {
  private final Shared shared;
  private SegmentsOptions options;
  private UpstreamClient visitor;
  private ReadThroughCache<JsonObject> sessions;

  /**
   * What the instances of this verticle share (one per event loop, see {@link Bus}): the session store with its
   * single-flight, so a burst arriving on several event loops still makes one call, and the visitor service's
   * breaker. Each instance sends from its own event loop, with its own connections.
   */
  public static final class Shared {
    private final SegmentStore store;
    private final int senders;
    private SegmentsOptions options;
    private UpstreamClient.Guard visitor;
    private ReadThroughCache<JsonObject> sessions;
    private DistributionSummary ttlSeconds;

    /**
     * @param store where sessions live, shared with the HTTP front's reads
     * @param senders the instances that send pages' calls (those on the HTTP event loops): each gets its share
     *     of the visitor service's connection budget
     */
    public Shared(SegmentStore store, int senders) {
      this.store = store;
      this.senders = senders;
    }

    private synchronized void init(Vertx vertx, JsonObject config) {
      if (options != null) {
        return;
      }
      options = SegmentsOptions.from(config);
      visitor = new UpstreamClient.Guard(vertx, "visitor", options.upstream(), senders);
      sessions = new ReadThroughCache<>(vertx, "segments", store.cache(), options.singleFlight(), options.cacheDisabled());
      ttlSeconds = Metrics.summary("edge_segments_ttl_seconds").register(Metrics.of(vertx));
    }
  }

  /** A single instance. */
  public SegmentVerticle(SegmentStore store) {
    this(new Shared(store, 1));
  }

  /** One of several instances sharing {@code shared}. */
  public SegmentVerticle(Shared shared) {
    this.shared = shared;
  }

  @Override
  public Future<?> start() {
    Bus.install(vertx);
    shared.init(vertx, config());
    options = shared.options;
    sessions = shared.sessions;
    visitor = new UpstreamClient(vertx, shared.visitor);
    return Bus.<SegmentRequest, SegmentResult>bind(vertx, LOOKUP_ADDRESS, this::lookup).completion();
  }

  @Override
  public Future<?> stop() {
    return visitor.close();
  }

  @Override
  public Future<SegmentResult> lookup(SegmentRequest request, Deadline deadline) {
    if (request.apiKey() == null || request.apiKey().isBlank()) {
      return Future.failedFuture(new OutcomeException(Outcome.BAD_REQUEST, "no Klevu api key"));
    }
    if (request.exchangeId() == null) {
      return anonymous(request, deadline);
    }
    String key = SegmentStore.keyOf(request);
    return sessions.get(key, deadline, flightDeadline -> callSession(request, flightDeadline)
            .map(this::entryFor)
            .recover(t -> OutcomeException.outcomeOf(t) == Outcome.UPSTREAM_REJECTED
                // Klevu refused this shopper's session: remember briefly, do not hammer it
                ? Future.succeededFuture(options.ttl().negative(new JsonObject().put("reason", "rejected")))
                : Future.failedFuture(t)))
        .map(loaded -> toResult(loaded, request));
  }

  /**
   * An anonymous shopper keeps the session it holds. One without gets a new one: single-flighted and kept for its
   * TTL under the visitor's hash when it names itself, so a burst of its first events makes one call; else its own.
   */
  private Future<SegmentResult> anonymous(SegmentRequest request, Deadline deadline) {
    if (request.klevuSessionId() != null) {
      return Future.succeededFuture(SegmentResult.anonymous(request.klevuSessionId(), 0));
    }
    if (request.visitorHash() == null) {
      return callSession(request, deadline)
          .map(session -> SegmentResult.anonymous(session.getString("sessionId"), session.getInteger("ttl", 0)));
    }
    return sessions.get(SegmentStore.visitorKeyOf(request), deadline,
            flightDeadline -> callSession(request, flightDeadline).map(this::entryFor))
        .map(loaded -> {
          SegmentResult kept = SegmentStore.resultOf(loaded.value(), loaded.status());
          return new SegmentResult(kept.klevuSessionId(), List.of(), kept.ttlSeconds(), kept.cacheStatus(), false);
        });
  }

  private SegmentResult toResult(Loaded<JsonObject> loaded, SegmentRequest request) {
    if (loaded.negative()) {
      return SegmentResult.refused(request.klevuSessionId());
    }
    return SegmentStore.resultOf(loaded.value(), loaded.status());
  }

  private CacheEntry<JsonObject> entryFor(JsonObject session) {
    int ttl = session.getInteger("ttl", 0);
    CacheEntry<JsonObject> entry = options.ttl().entry(session, ttl);
    shared.ttlSeconds.record((entry.freshUntil() - System.currentTimeMillis()) / 1000.0);
    session.put("expiresAt", entry.freshUntil());
    return entry;
  }

  /** POST {visitorUrl}/{apiKey}/session and normalise the answer to {sessionId, segments, ttl}. */
  private Future<JsonObject> callSession(SegmentRequest request, Deadline deadline) {
    JsonObject body = new JsonObject().put("apiKey", request.apiKey());
    if (request.klevuSessionId() != null) {
      body.put("sessionId", request.klevuSessionId());
    }
    JsonArray connectors = new JsonArray();
    if (request.exchangeId() != null) {
      connectors.add(new JsonObject().put("connectorType", "klaviyo").put("exchangeId", request.exchangeId()));
    }
    body.put("sessionInfo", new JsonObject().put("connectorInfo", connectors));
    String url = options.visitorUrl() + "/" + URLEncoder.encode(request.apiKey(), StandardCharsets.UTF_8) + "/session";
    // read as part of the call: an answer without a session is the visitor API failing, and counts against its breaker
    return visitor.send(UpstreamRequest.postJson(url, body.toBuffer()).header("Accept", "application/json"), deadline,
        response -> parseSession(response.body()));
  }

  static Future<JsonObject> parseSession(Buffer body) {
    try {
      JsonObject json = body == null ? null : new JsonObject(body);
      String sessionId = json == null ? null : json.getString("sessionId");
      if (sessionId == null || sessionId.isBlank()) {
        return Future.failedFuture(new OutcomeException(Outcome.UPSTREAM_ERROR, "visitor answer has no sessionId"));
      }
      JsonObject info = json.getJsonObject("segmentInfo");
      List<String> segments = info == null ? List.of() : SegmentStore.toList(info.getJsonArray("segments"));
      // a missing segmentInfo or a ttl of 0 would make us ask again at once; the TTL policy clamps it
      int ttl = info == null ? 0 : info.getInteger("ttl", 0);
      return Future.succeededFuture(new JsonObject().put("sessionId", sessionId)
          .put("segments", new JsonArray(new ArrayList<>(segments))).put("ttl", ttl));
    } catch (DecodeException | ClassCastException e) {
      return Future.failedFuture(new OutcomeException(Outcome.UPSTREAM_ERROR, "visitor answer is not the expected JSON"));
    }
  }
}
