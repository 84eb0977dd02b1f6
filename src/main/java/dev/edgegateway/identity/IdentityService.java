package dev.edgegateway.identity;

import dev.edgegateway.bus.Bus;
import dev.edgegateway.flow.Deadline;
import io.vertx.core.Future;
import io.vertx.core.Vertx;

/** Step 1 of the flow: who is this shopper, as far as Klaviyo and Klevu are concerned. */
public interface IdentityService {
  String RESOLVE_ADDRESS = "edge.identity.resolve";
  String IDENTIFY_ADDRESS = "edge.identity.identify";

  /** Never fails for bad input: undecodable cookies resolve to {@link Identity#ANONYMOUS}. */
  Future<Identity> resolve(IdentityRequest request, Deadline deadline);

  /** Fails with BAD_REQUEST / UNAUTHORIZED for a missing or badly signed token. */
  Future<IdentifyResult> identify(IdentifyRequest request, Deadline deadline);

  /** The event-bus client of the service deployed by {@link IdentityVerticle}. */
  static IdentityService proxy(Vertx vertx) {
    return new IdentityService() {
      @Override
      public Future<Identity> resolve(IdentityRequest request, Deadline deadline) {
        return Bus.request(vertx, RESOLVE_ADDRESS, request, deadline);
      }

      @Override
      public Future<IdentifyResult> identify(IdentifyRequest request, Deadline deadline) {
        return Bus.request(vertx, IDENTIFY_ADDRESS, request, deadline);
      }
    };
  }
}
