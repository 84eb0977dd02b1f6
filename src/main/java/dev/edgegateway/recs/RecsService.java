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
  String CLICKS_ADDRESS = "edge.recs.clicks";

  Future<RecsResult> fetch(RecsRequest request, Deadline deadline);

  Future<ConfigAnswer> config(ConfigRequest request, Deadline deadline);

  /** Fails with FORBIDDEN_UPSTREAM when the host is not on the allowlist. */
  Future<SearchAnswer> search(SearchRequest request, Deadline deadline);

  /** Puts a shopper's clicked products at the head of its last clicked list; fails when the store fails. */
  Future<ClicksRecorded> clicked(ClicksRequest request, Deadline deadline);

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

      @Override
      public Future<ClicksRecorded> clicked(ClicksRequest request, Deadline deadline) {
        return Bus.request(vertx, CLICKS_ADDRESS, request, deadline);
      }
    };
  }
}
