package dev.edgegateway.http;

import dev.edgegateway.flow.Outcome;
import dev.edgegateway.flow.OutcomeException;
import dev.edgegateway.identity.IdentifyRequest;
import dev.edgegateway.identity.IdentityService;
import dev.edgegateway.wire.CookieHeader;
import io.vertx.core.Handler;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.Map;

/**
 * {@code POST /v1/identify}: a signed storefront customer token links the shopper to its Klaviyo profile; the
 * identity verticle checks and links it to the exchange id the shopper's own cookies carry, and the answer sets the
 * sealed {@code edge_id}. Cross-site pages and non-JSON bodies never get here ({@link SameOriginCors#stateChanging}).
 */
final class IdentifyRoute implements Handler<RoutingContext> {
  private final HttpOptions options;
  private final IdentityService identity;
  private final ShopperCookies cookies;

  IdentifyRoute(HttpOptions options, IdentityService identity, ShopperCookies cookies) {
    this.options = options;
    this.identity = identity;
    this.cookies = cookies;
  }

  @Override
  public void handle(RoutingContext ctx) {
    JsonObject body = RequestValues.jsonBody(ctx);
    Object token = body.getValue("customerToken");
    if (!(token instanceof String tokenText) || tokenText.isBlank() || tokenText.length() > 8_192) {
      throw new OutcomeException(Outcome.BAD_REQUEST, "customerToken (a signed storefront customer token) is required");
    }
    Map<String, String> sent = CookieHeader.parse(ctx.request().headers().getAll("Cookie"));
    // never _kx from the query: anyone could post any exchange id and have it linked to their own customer
    identity.identify(new IdentifyRequest(tokenText, ShopperCookies.identityRequest(sent, null)),
            RequestIds.of(ctx).deadline(options.requestTimeoutMs()))
        .onSuccess(result -> {
          cookies.setIdentity(ctx, result.identity());
          Responses.json(ctx, 200, Outcome.OK, new JsonObject()
              .put("linked", result.linked())
              .put("identified", result.identity().identified()));
        })
        .onFailure(t -> Responses.error(ctx, t));
  }
}
