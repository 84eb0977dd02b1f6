package dev.edgegateway.recs;

import dev.edgegateway.bus.Bus;
import dev.edgegateway.flow.Deadline;
import io.vertx.core.Future;
import io.vertx.core.Vertx;

/** Step 3: the recommendation config for the shopper's segments, then its product search. */
public interface RecsService {
  String FETCH_ADDRESS = "edge.recs.fetch";
  String CONFIG_ADDRESS = "edge.recs.config";
  String SEARCH_ADDRESS = "edge.recs.search";

  Future<RecsResult> fetch(RecsRequest request, Deadline deadline);

  Future<ConfigAnswer> config(ConfigRequest request, Deadline deadline);

  /** Fails with FORBIDDEN_UPSTREAM when the host is not on the allowlist. */
  Future<SearchAnswer> search(SearchRequest request, Deadline deadline);

  static RecsService proxy(Vertx vertx) {
    return new RecsService() {
      @Override
      public Future<RecsResult> fetch(RecsRequest request, Deadline deadline) {
        return Bus.request(vertx, FETCH_ADDRESS, request, deadline);
      }

      @Override
      public Future<ConfigAnswer> config(ConfigRequest request, Deadline deadline) {
        return Bus.request(vertx, CONFIG_ADDRESS, request, deadline);
      }

      @Override
      public Future<SearchAnswer> search(SearchRequest request, Deadline deadline) {
        return Bus.request(vertx, SEARCH_ADDRESS, request, deadline);
      }
    };
  }
}
