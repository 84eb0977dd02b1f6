package dev.edgegateway.identity;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.edgegateway.cache.CacheHit;
import dev.edgegateway.cache.MemoryCache;
import dev.edgegateway.cache.MemoryCacheOptions;
import dev.edgegateway.flow.Deadline;
import dev.edgegateway.flow.Outcome;
import dev.edgegateway.flow.OutcomeException;
import dev.edgegateway.metrics.Metrics;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.LoggerFactory;

@ExtendWith(VertxExtension.class)
class IdentityVerticleTest {
  static final String EXCHANGE_ID = KlaviyoCookieTest.EXCHANGE_ID;
  static final String OTHER_EXCHANGE_ID = "Zm9vYmFyYmF6cXV4MTIzNDU2Nzg5MA==.AbC123";
  static final String CID = KlaviyoCookieTest.CID;
  static final String TOKEN_SECRET = "bc-client-secret-for-tests";
  static final String PRIVATE_KEY = "pk_test_0123456789abcdef";
  static final String PEPPER = "test-pepper";
  static final String ISSUER = "bc/store-12345";
  static final String EMAIL = "Ann.Shopper@Example.com";

  /** One request the Klaviyo stub received. */
  record Seen(String method, String path, String uri, MultiMap headers, String query, String filter, String body) {
  }

  private final List<Seen> klaviyoCalls = new CopyOnWriteArrayList<>();
  private final AtomicInteger klaviyoStatus = new AtomicInteger(200);
  private final ListAppender<ILoggingEvent> logs = new ListAppender<>();
  private MemoryCache<String> links;
  private int stubPort;

  @BeforeEach
  void startStub(Vertx vertx, VertxTestContext ctx) {
    logs.start();
    ((ch.qos.logback.classic.Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).addAppender(logs);
    links = new MemoryCache<>(MemoryCacheOptions.defaults());
    HttpServer server = vertx.createHttpServer().requestHandler(request -> request.body().onSuccess(body -> {
      klaviyoCalls.add(new Seen(request.method().name(), request.path(), request.uri(), request.headers(),
          request.query(), request.getParam("filter"), body.toString()));
      int status = klaviyoStatus.get();
      if (status != 200) {
        request.response().setStatusCode(status).end("{\"errors\":[]}");
      } else if (request.path().equals("/api/profiles")) {
        request.response().putHeader("Content-Type", KlaviyoProfiles.JSON_API)
            .end("{\"data\":[{\"type\":\"profile\",\"id\":\"01KPROFILE\",\"attributes\":{}}],\"links\":{}}");
      } else {
        request.response().setStatusCode(200).putHeader("Content-Type", KlaviyoProfiles.JSON_API)
            .end("{\"data\":{\"type\":\"profile\",\"id\":\"01KPROFILE\"}}");
      }
    }));
    server.listen(0, "127.0.0.1").onComplete(ctx.succeeding(s -> {
      stubPort = s.actualPort();
      ctx.completeNow();
    }));
  }

  @AfterEach
  void detachLogs() {
    ((ch.qos.logback.classic.Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).detachAppender(logs);
    // nothing shopper-identifying or secret is ever logged in clear
    for (ILoggingEvent event : logs.list) {
      assertThat(event.getFormattedMessage())
          .doesNotContain(EXCHANGE_ID).doesNotContain(OTHER_EXCHANGE_ID).doesNotContain("UsRnv6")
          .doesNotContain(EMAIL).doesNotContain(EMAIL.toLowerCase()).doesNotContain("bob@example.com")
          .doesNotContain("sub@example.com")
          .doesNotContain(PRIVATE_KEY).doesNotContain(TOKEN_SECRET).doesNotContain("eyJ");
    }
  }

  private JsonObject config(boolean identify, String klaviyoUrl) {
    return new JsonObject()
        .put("identity", new JsonObject()
            .put("cookieSecret", "cookie-secret").put("hashPepper", PEPPER)
            .put("customerTokenSecret", identify ? TOKEN_SECRET : "")
            .put("customerTokenIssuer", ISSUER))
        .put("klaviyo", new JsonObject().put("url", klaviyoUrl).put("privateKey", PRIVATE_KEY))
        .put("upstream", new JsonObject().put("klaviyo", new JsonObject().put("timeoutMs", 1_000).put("maxRetries", 0)));
  }

  private Future<IdentityService> deploy(Vertx vertx, JsonObject config) {
    return vertx.deployVerticle(new IdentityVerticle(links), new DeploymentOptions().setConfig(config))
        .map(id -> IdentityService.proxy(vertx));
  }

  private Future<IdentityService> deploy(Vertx vertx) {
    return deploy(vertx, config(true, "http://127.0.0.1:" + stubPort));
  }

  private static JWTAuth signer(Vertx vertx, String secret) {
    return JWTAuth.create(vertx, new JWTAuthOptions()
        .addPubSecKey(new PubSecKeyOptions().setAlgorithm("HS256").setBuffer(secret)));
  }

  /** A BigCommerce-shaped current-customer token. */
  private static String customerToken(Vertx vertx, String secret, long customerId, String email) {
    return signer(vertx, secret).generateToken(new JsonObject()
            .put("customer", new JsonObject().put("id", customerId).put("email", email).put("group_id", "0"))
            .put("iss", ISSUER).put("store_hash", "abc123"),
        new JWTOptions().setExpiresInSeconds(900));
  }

  private static String cookie(JsonObject json) {
    return Base64.getEncoder().encodeToString(json.encode().getBytes(StandardCharsets.UTF_8));
  }

  private static Deadline deadline() {
    return Deadline.in(3_000);
  }

  private static <T> Future<Outcome> outcomeOf(Future<T> future) {
    return future.transform(ar -> Future.succeededFuture(ar.succeeded() ? Outcome.OK : OutcomeException.outcomeOf(ar.cause())));
  }

  private static double count(Vertx vertx, String name, String tag, String value) {
    var counter = Metrics.of(vertx).find(name).tag(tag, value).counter();
    return counter == null ? 0 : counter.count();
  }

  @Test
  void resolvesByPrecedence(Vertx vertx, VertxTestContext ctx) {
    ShopperHash hash = new ShopperHash(PEPPER);
    String identified = cookie(new JsonObject().put("cid", CID).put("$exchange_id", EXCHANGE_ID));
    String cidOnly = cookie(new JsonObject().put("cid", CID)
        .put("$referrer", new JsonObject().put("ts", 1).put("value", "").put("first_page", "/")));
    String withEmail = cookie(new JsonObject().put("cid", CID).put("$email", EMAIL));
    deploy(vertx).compose(identity -> identity.resolve(new IdentityRequest(identified, null, null, null), deadline())
        .compose(fromCookie -> {
          assertThat(fromCookie.source()).isEqualTo(IdentitySource.KLA_COOKIE);
          assertThat(fromCookie.exchangeId()).isEqualTo(EXCHANGE_ID);
          assertThat(fromCookie.exchangeIdHash()).isEqualTo(hash.exchangeId(EXCHANGE_ID));
          assertThat(fromCookie.clientId()).isEqualTo(CID);
          assertThat(fromCookie.gatewayCookie()).isNotNull().doesNotContain(EXCHANGE_ID);
          assertThat(fromCookie.toString()).doesNotContain(EXCHANGE_ID).doesNotContain("UsRnv6");
          return identity.resolve(new IdentityRequest(identified, null, OTHER_EXCHANGE_ID.replace('+', ' '), null), deadline());
        })
        .compose(fromKx -> {
          // _kx wins over the cookie, and a sealed cookie is issued so that later pages stay identified
          assertThat(fromKx.source()).isEqualTo(IdentitySource.KX_PARAM);
          assertThat(fromKx.exchangeId()).isEqualTo(OTHER_EXCHANGE_ID);
          assertThat(fromKx.exchangeIdHash()).isEqualTo(hash.exchangeId(OTHER_EXCHANGE_ID));
          assertThat(fromKx.gatewayCookie()).isNotNull();
          assertThat(fromKx.toString()).doesNotContain(OTHER_EXCHANGE_ID);
          return identity.resolve(new IdentityRequest(cidOnly, null, null, fromKx.gatewayCookie()), deadline())
              .compose(later -> {
                assertThat(later.source()).isEqualTo(IdentitySource.GATEWAY_COOKIE);
                assertThat(later.exchangeId()).isEqualTo(OTHER_EXCHANGE_ID);
                assertThat(later.clientId()).isEqualTo(CID);
                assertThat(later.gatewayCookie()).as("a fresh cookie is not reissued").isNull();
                // the same cookie with the same id from __kla_id: nothing to set either
                return identity.resolve(new IdentityRequest(null, null, OTHER_EXCHANGE_ID, fromKx.gatewayCookie()), deadline());
              })
              .compose(same -> {
                assertThat(same.source()).isEqualTo(IdentitySource.KX_PARAM);
                assertThat(same.gatewayCookie()).isNull();
                return identity.resolve(new IdentityRequest(identified, "true", OTHER_EXCHANGE_ID, fromKx.gatewayCookie()), deadline());
              });
        })
        .compose(optedOut -> {
          assertThat(optedOut).isSameAs(Identity.OPTED_OUT);
          return identity.resolve(new IdentityRequest(cidOnly, "false", null, null), deadline());
        })
        .compose(anonymous -> {
          assertThat(anonymous.source()).isEqualTo(IdentitySource.ANONYMOUS);
          assertThat(anonymous.identified()).isFalse();
          assertThat(anonymous.clientId()).isEqualTo(CID);
          assertThat(anonymous.exchangeIdHash()).isNull();
          assertThat(anonymous.gatewayCookie()).isNull();
          return identity.resolve(new IdentityRequest(withEmail, null, null, null), deadline());
        })
        .compose(withEmailHash -> {
          assertThat(withEmailHash.source()).isEqualTo(IdentitySource.ANONYMOUS);
          assertThat(withEmailHash.emailHash()).isEqualTo(hash.email("ann.shopper@example.com"));
          return identity.resolve(new IdentityRequest("%%%", "maybe", "<script>", "forged"), deadline());
        })
        .compose(junk -> {
          assertThat(junk).isSameAs(Identity.ANONYMOUS);
          return identity.resolve(new IdentityRequest(null, null, null, null), deadline());
        }))
        .onComplete(ctx.succeeding(nothing -> ctx.verify(() -> {
          assertThat(nothing).isSameAs(Identity.ANONYMOUS);
          assertThat(count(vertx, "edge_identity_resolutions_total", "source", "kla_cookie")).isEqualTo(1);
          assertThat(count(vertx, "edge_identity_resolutions_total", "source", "kx_param")).isEqualTo(2);
          assertThat(count(vertx, "edge_identity_resolutions_total", "source", "gateway_cookie")).isEqualTo(1);
          assertThat(count(vertx, "edge_identity_resolutions_total", "source", "opted_out")).isEqualTo(1);
          assertThat(count(vertx, "edge_identity_resolutions_total", "source", "anonymous")).isEqualTo(4);
          assertThat(count(vertx, "edge_identity_cookie_decode_failures_total", "reason", "bad_url_encoding")).isEqualTo(1);
          assertThat(count(vertx, "edge_identity_cookie_decode_failures_total", "reason", "bad_kx")).isEqualTo(1);
          assertThat(count(vertx, "edge_identity_cookie_decode_failures_total", "reason", "bad_gateway_cookie")).isEqualTo(1);
          assertThat(klaviyoCalls).as("resolve never calls Klaviyo").isEmpty();
          ctx.completeNow();
        })));
  }

  @Test
  void identifyLinksThenASecondDeviceIsLinkedCustomer(Vertx vertx, VertxTestContext ctx) {
    ShopperHash hash = new ShopperHash(PEPPER);
    String token = customerToken(vertx, TOKEN_SECRET, 42, EMAIL);
    String linkKey = IdentityVerticle.LINK_KEY_PREFIX + hash.customerId("42");
    deploy(vertx).compose(identity -> identity
            .identify(new IdentifyRequest(token, new IdentityRequest(null, null, EXCHANGE_ID, null)), deadline())
            .compose(first -> {
              assertThat(first.linked()).isTrue();
              assertThat(first.identity().exchangeId()).isEqualTo(EXCHANGE_ID);
              assertThat(first.identity().source()).isEqualTo(IdentitySource.KX_PARAM);
              assertThat(first.identity().gatewayCookie()).isNotNull();
              assertThat(first.identity().emailHash()).isEqualTo(hash.email(EMAIL));
              assertThat(first.toString()).doesNotContain(EXCHANGE_ID);
              // the link is stored under a hashed key, its value sealed
              CacheHit<String> stored = links.getNow(linkKey);
              assertThat(stored).isNotNull();
              assertThat(stored.entry().value()).doesNotContain(EXCHANGE_ID).doesNotContain("UsRnv6");
              assertThat(stored.entry().keepUntil() - System.currentTimeMillis())
                  .isBetween(29 * 86_400_000L, 30 * 86_400_000L + 1);
              // Klaviyo was told about email + _kx, with the documented headers
              assertThat(klaviyoCalls).hasSize(1);
              Seen call = klaviyoCalls.get(0);
              assertThat(call.method()).isEqualTo("POST");
              assertThat(call.path()).isEqualTo("/api/profile-import");
              assertKlaviyoHeaders(call);
              assertThat(call.headers().get("Content-Type")).isEqualTo("application/vnd.api+json");
              JsonObject body = new JsonObject(call.body());
              assertThat(body.getJsonObject("data").getString("type")).isEqualTo("profile");
              assertThat(body.getJsonObject("data").getJsonObject("attributes").getString("email")).isEqualTo(EMAIL);
              assertThat(body.getJsonObject("data").getJsonObject("attributes").getString("_kx")).isEqualTo(EXCHANGE_ID);
              // a second device: the same customer, a cookie with only a client id
              String cidOnly = cookie(new JsonObject().put("cid", CID));
              return identity.identify(new IdentifyRequest(customerToken(vertx, TOKEN_SECRET, 42, EMAIL),
                  new IdentityRequest(cidOnly, null, null, null)), deadline());
            })
            .compose(second -> {
              assertThat(second.linked()).isTrue();
              assertThat(second.identity().source()).isEqualTo(IdentitySource.LINKED_CUSTOMER);
              assertThat(second.identity().exchangeId()).isEqualTo(EXCHANGE_ID);
              assertThat(second.identity().exchangeIdHash()).isEqualTo(hash.exchangeId(EXCHANGE_ID));
              assertThat(second.identity().clientId()).isEqualTo(CID);
              assertThat(second.identity().gatewayCookie()).isNotNull();
              assertThat(second.identity().toString()).doesNotContain(EXCHANGE_ID);
              assertThat(klaviyoCalls).as("a found link needs no Klaviyo call").hasSize(1);
              // the new cookie keeps that device identified from now on
              return identity.resolve(new IdentityRequest(null, null, null, second.identity().gatewayCookie()), deadline());
            }))
        .onComplete(ctx.succeeding(later -> ctx.verify(() -> {
          assertThat(later.source()).isEqualTo(IdentitySource.GATEWAY_COOKIE);
          assertThat(later.exchangeId()).isEqualTo(EXCHANGE_ID);
          assertThat(count(vertx, "edge_identify_total", "result", "linked")).isEqualTo(1);
          assertThat(count(vertx, "edge_identify_total", "result", "found")).isEqualTo(1);
          ctx.completeNow();
        })));
  }

  private static void assertKlaviyoHeaders(Seen call) {
    assertThat(call.headers().get("Authorization")).isEqualTo("Klaviyo-API-Key " + PRIVATE_KEY);
    assertThat(call.headers().get("revision")).isEqualTo("2026-07-15");
    assertThat(call.headers().get("Accept")).isEqualTo("application/vnd.api+json");
  }

  @Test
  void anotherCustomerNeverGetsTheLinkAndKlaviyoIsAskedByQuotedEmail(Vertx vertx, VertxTestContext ctx) {
    String ann = customerToken(vertx, TOKEN_SECRET, 42, EMAIL);
    String bob = customerToken(vertx, TOKEN_SECRET, 43, " Bob@Example.com ");
    deploy(vertx).compose(identity -> identity
            .identify(new IdentifyRequest(ann, new IdentityRequest(cookie(new JsonObject().put("$exchange_id", EXCHANGE_ID)), null, null, null)), deadline())
            .compose(first -> {
              assertThat(first.linked()).isTrue();
              assertThat(first.identity().source()).isEqualTo(IdentitySource.KLA_COOKIE);
              klaviyoCalls.clear();
              return identity.identify(new IdentifyRequest(bob, new IdentityRequest(null, null, null, null)), deadline());
            }))
        .onComplete(ctx.succeeding(result -> ctx.verify(() -> {
          assertThat(result.linked()).isFalse();
          assertThat(result.identity().identified()).isFalse();
          assertThat(result.identity().exchangeId()).isNull();
          assertThat(result.identity().source()).isEqualTo(IdentitySource.ANONYMOUS);
          assertThat(result.identity().gatewayCookie()).isNull();
          assertThat(klaviyoCalls).hasSize(1);
          Seen call = klaviyoCalls.get(0);
          assertThat(call.method()).isEqualTo("GET");
          assertThat(call.path()).isEqualTo("/api/profiles");
          assertKlaviyoHeaders(call);
          assertThat(call.filter()).isEqualTo("equals(email,\"bob@example.com\")");
          assertThat(call.uri()).as("the quoted value travels URL-encoded").doesNotContain("\"").contains("%22");
          assertThat(count(vertx, "edge_identify_total", "result", "not_linked")).isEqualTo(1);
          ctx.completeNow();
        })));
  }

  @Test
  void rejectsBadTokens(Vertx vertx, VertxTestContext ctx) {
    JWTAuth signer = signer(vertx, TOKEN_SECRET);
    long now = System.currentTimeMillis() / 1000;
    IdentityRequest seen = new IdentityRequest(null, null, EXCHANGE_ID, null);
    String forged = customerToken(vertx, "not-the-secret", 42, EMAIL);
    String expired = signer.generateToken(new JsonObject().put("sub", "42").put("iss", ISSUER)
        .put("iat", now - 7_200).put("exp", now - 3_600), new JWTOptions().setNoTimestamp(true));
    String noExpiry = signer.generateToken(new JsonObject().put("sub", "42").put("iss", ISSUER), new JWTOptions());
    String wrongIssuer = signer.generateToken(new JsonObject().put("sub", "42").put("iss", "someone-else"),
        new JWTOptions().setExpiresInSeconds(600));
    String noCustomer = signer.generateToken(new JsonObject().put("iss", ISSUER), new JWTOptions().setExpiresInSeconds(600));
    // BigCommerce's sub is the store hash: a customer claim without an id must not fall back to it
    String customerWithoutId = signer.generateToken(new JsonObject().put("iss", ISSUER).put("sub", "storehash")
        .put("customer", new JsonObject().put("email", EMAIL)), new JWTOptions().setExpiresInSeconds(600));
    String header = Base64.getUrlEncoder().withoutPadding().encodeToString("{\"alg\":\"none\",\"typ\":\"JWT\"}".getBytes());
    String payload = Base64.getUrlEncoder().withoutPadding().encodeToString(
        new JsonObject().put("sub", "42").put("iss", ISSUER).put("exp", now + 600).encode().getBytes());
    String unsigned = header + "." + payload + ".";
    String tampered = customerToken(vertx, TOKEN_SECRET, 42, EMAIL);
    String[] parts = tampered.split("\\.");
    String swapped = parts[0] + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(new JsonObject()
        .put("customer", new JsonObject().put("id", 1)).put("iss", ISSUER).put("exp", now + 600).encode().getBytes())
        + "." + parts[2];
    deploy(vertx).compose(identity -> Future.all(List.of(
            outcomeOf(identity.identify(new IdentifyRequest(forged, seen), deadline())),
            outcomeOf(identity.identify(new IdentifyRequest(expired, seen), deadline())),
            outcomeOf(identity.identify(new IdentifyRequest(noExpiry, seen), deadline())),
            outcomeOf(identity.identify(new IdentifyRequest(wrongIssuer, seen), deadline())),
            outcomeOf(identity.identify(new IdentifyRequest(unsigned, seen), deadline())),
            outcomeOf(identity.identify(new IdentifyRequest(swapped, seen), deadline())),
            outcomeOf(identity.identify(new IdentifyRequest(null, seen), deadline())),
            outcomeOf(identity.identify(new IdentifyRequest("", seen), deadline())),
            outcomeOf(identity.identify(new IdentifyRequest("garbage", seen), deadline())),
            outcomeOf(identity.identify(new IdentifyRequest("a.b.c", seen), deadline())),
            outcomeOf(identity.identify(new IdentifyRequest("x".repeat(20_000), seen), deadline())),
            outcomeOf(identity.identify(new IdentifyRequest(noCustomer, seen), deadline())),
            outcomeOf(identity.identify(new IdentifyRequest(customerWithoutId, seen), deadline())),
            outcomeOf(identity.identify(null, deadline())))))
        .onComplete(ctx.succeeding(all -> ctx.verify(() -> {
          assertThat(all.<Outcome>list()).containsExactly(
              Outcome.UNAUTHORIZED, Outcome.UNAUTHORIZED, Outcome.UNAUTHORIZED, Outcome.UNAUTHORIZED,
              Outcome.UNAUTHORIZED, Outcome.UNAUTHORIZED,
              Outcome.BAD_REQUEST, Outcome.BAD_REQUEST, Outcome.BAD_REQUEST, Outcome.BAD_REQUEST, Outcome.BAD_REQUEST,
              Outcome.BAD_REQUEST, Outcome.BAD_REQUEST, Outcome.BAD_REQUEST);
          assertThat(links.estimatedSize()).as("nothing linked").isZero();
          assertThat(klaviyoCalls).isEmpty();
          assertThat(count(vertx, "edge_identify_total", "result", "unauthorized")).isEqualTo(6);
          assertThat(count(vertx, "edge_identify_total", "result", "bad_request")).isEqualTo(8);
          ctx.completeNow();
        })));
  }

  @Test
  void acceptsTopLevelSubAndEmail(Vertx vertx, VertxTestContext ctx) {
    String token = signer(vertx, TOKEN_SECRET).generateToken(new JsonObject().put("sub", "cust-9")
        .put("email", "sub@example.com").put("iss", ISSUER), new JWTOptions().setExpiresInSeconds(600));
    deploy(vertx)
        .compose(identity -> identity.identify(new IdentifyRequest(token,
            new IdentityRequest(null, null, EXCHANGE_ID, null)), deadline()))
        .onComplete(ctx.succeeding(result -> ctx.verify(() -> {
          assertThat(result.linked()).isTrue();
          assertThat(links.getNow(IdentityVerticle.LINK_KEY_PREFIX + new ShopperHash(PEPPER).customerId("cust-9"))).isNotNull();
          assertThat(new JsonObject(klaviyoCalls.get(0).body()).getJsonObject("data").getJsonObject("attributes")
              .getString("email")).isEqualTo("sub@example.com");
          ctx.completeNow();
        })));
  }

  @Test
  void identifyDisabledIsNotFound(Vertx vertx, VertxTestContext ctx) {
    deploy(vertx, config(false, "http://127.0.0.1:" + stubPort))
        .compose(identity -> outcomeOf(identity.identify(
            new IdentifyRequest(customerToken(vertx, TOKEN_SECRET, 42, EMAIL), null), deadline())))
        .onComplete(ctx.succeeding(outcome -> ctx.verify(() -> {
          assertThat(outcome).isEqualTo(Outcome.NOT_FOUND);
          assertThat(count(vertx, "edge_identify_total", "result", "disabled")).isEqualTo(1);
          ctx.completeNow();
        })));
  }

  @Test
  void klaviyoDownNeverFailsIdentify(Vertx vertx, VertxTestContext ctx) {
    klaviyoStatus.set(503);
    String token = customerToken(vertx, TOKEN_SECRET, 42, EMAIL);
    deploy(vertx).compose(identity -> identity
            .identify(new IdentifyRequest(token, new IdentityRequest(null, null, EXCHANGE_ID, null)), deadline())
            .compose(linked -> {
              assertThat(linked.linked()).isTrue();
              assertThat(klaviyoCalls).hasSize(1);
              return identity.identify(new IdentifyRequest(customerToken(vertx, TOKEN_SECRET, 7, "x@example.com"),
                  new IdentityRequest(null, null, null, null)), deadline());
            }))
        .onComplete(ctx.succeeding(notLinked -> ctx.verify(() -> {
          assertThat(notLinked.linked()).isFalse();
          assertThat(klaviyoCalls).hasSize(2);
          ctx.completeNow();
        })));
  }

  @Test
  void klaviyoUnreachableNeverFailsIdentify(Vertx vertx, VertxTestContext ctx) {
    vertx.createHttpServer().requestHandler(r -> r.response().end()).listen(0, "127.0.0.1")
        .compose(server -> {
          int closedPort = server.actualPort();
          return server.close().map(closedPort);
        })
        .compose(closedPort -> deploy(vertx, config(true, "http://127.0.0.1:" + closedPort)))
        .compose(identity -> identity.identify(new IdentifyRequest(customerToken(vertx, TOKEN_SECRET, 42, EMAIL),
            new IdentityRequest(null, null, EXCHANGE_ID, null)), deadline()))
        .onComplete(ctx.succeeding(result -> ctx.verify(() -> {
          assertThat(result.linked()).isTrue();
          assertThat(result.identity().exchangeId()).isEqualTo(EXCHANGE_ID);
          ctx.completeNow();
        })));
  }

  @Test
  void optedOutShopperIsNeitherLinkedNorSentToKlaviyo(Vertx vertx, VertxTestContext ctx) {
    deploy(vertx)
        .compose(identity -> identity.identify(new IdentifyRequest(customerToken(vertx, TOKEN_SECRET, 42, EMAIL),
            new IdentityRequest(null, "true", EXCHANGE_ID, null)), deadline()))
        .onComplete(ctx.succeeding(result -> ctx.verify(() -> {
          assertThat(result.linked()).isFalse();
          assertThat(result.identity()).isSameAs(Identity.OPTED_OUT);
          assertThat(links.estimatedSize()).isZero();
          assertThat(klaviyoCalls).isEmpty();
          ctx.completeNow();
        })));
  }
}
