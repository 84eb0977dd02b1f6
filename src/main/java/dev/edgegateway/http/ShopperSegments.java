package dev.edgegateway.http;

import dev.edgegateway.flow.Deadline;
import dev.edgegateway.identity.Identity;
import dev.edgegateway.segments.SegmentRequest;
import dev.edgegateway.segments.SegmentResult;
import dev.edgegateway.segments.SegmentStore;
import io.vertx.core.Future;

/**
 * The shopper's segments as the routes ask for them, from the {@link SegmentStore}: read in place when the fast
 * path is on, else from the segment verticle; as a page step that never fails, or as the Klevu session the SDK
 * routes and the events route want.
 */
final class ShopperSegments {
  private final SegmentStore store;
  private final String apiKey;
  private final long budgetMs;
  private final boolean readsInPlace;

  ShopperSegments(SegmentStore store, HttpOptions options) {
    this.store = store;
    this.apiKey = options.apiKey();
    this.budgetMs = options.segmentsBudgetMs();
    this.readsInPlace = options.fastPath();
  }

  /** The shopper's segments request, with the session cookie only when it looks like a Klevu session id. */
  SegmentRequest requestFor(Identity shopper, String sessionCookie) {
    return new SegmentRequest(apiKey, shopper.exchangeId(), shopper.exchangeIdHash(),
        RequestValues.validSession(sessionCookie));
  }

  /** The segments fresh in this process's memory, or null (always null with the fast path off). */
  SegmentResult inMemory(SegmentRequest request) {
    return readsInPlace ? store.lookupNow(request) : null;
  }

  /**
   * Never fails: an unreachable Klevu means no segments (and the session the shopper already holds). An anonymous
   * shopper has none to look up: its page costs no Klevu session.
   */
  Future<SegmentResult> lookup(SegmentRequest request, Deadline deadline, DegradedSteps degraded) {
    if (request.exchangeId() == null) {
      return Future.succeededFuture(SegmentResult.anonymous(request.klevuSessionId(), 0));
    }
    Future<SegmentResult> found = readsInPlace ? store.lookup(request, deadline, budgetMs)
        : store.lookupRemote(request, deadline.cap(budgetMs));
    return found.transform(ar -> {
      if (ar.failed()) {
        degraded.record("segments", ar.cause());
        return Future.succeededFuture(SegmentResult.unavailable(request.klevuSessionId()));
      }
      if (ar.result().degraded()) {
        degraded.record("segments", null);
      }
      return Future.succeededFuture(ar.result());
    });
  }

  /**
   * The Klevu session of an anonymous visitor that needs one (its first event): one call per visitor and TTL when
   * {@code visitorHash} names it, however many events arrive at once.
   */
  Future<SegmentResult> visitorSession(String visitorHash, Deadline deadline) {
    return visitorSession(apiKey, visitorHash, deadline);
  }

  /** As {@link #visitorSession(String, Deadline)}, for a store the SDK's route names. */
  Future<SegmentResult> visitorSession(String storeKey, String visitorHash, Deadline deadline) {
    return store.lookupRemote(new SegmentRequest(storeKey, null, null, null, visitorHash), deadline);
  }

  /** A Klevu session for the SDK's session route and the events route; degrades to the caller's own session id. */
  Future<SegmentResult> klevuSession(String apiKey, Identity shopper, String sessionId, Deadline deadline) {
    SegmentRequest request = new SegmentRequest(apiKey, shopper.exchangeId(), shopper.exchangeIdHash(), sessionId);
    return store.lookupRemote(request, deadline).recover(t -> sessionId == null
        ? Future.failedFuture(t)
        : Future.succeededFuture(SegmentResult.unavailable(sessionId)));
  }
}
