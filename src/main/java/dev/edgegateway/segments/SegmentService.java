package dev.edgegateway.segments;

import dev.edgegateway.bus.Bus;
import dev.edgegateway.flow.Deadline;
import io.vertx.core.Future;
import io.vertx.core.Vertx;

/** Step 2: the Klevu visitor session and the shopper's segments, once per shopper per TTL. */
public interface SegmentService {
  String LOOKUP_ADDRESS = "edge.segments.lookup";

  Future<SegmentResult> lookup(SegmentRequest request, Deadline deadline);

  static SegmentService proxy(Vertx vertx) {
    return (request, deadline) -> Bus.request(vertx, LOOKUP_ADDRESS, request, deadline);
  }
}
