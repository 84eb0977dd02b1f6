package dev.edgegateway.identity;

import dev.edgegateway.bus.Bus;
import dev.edgegateway.flow.Deadline;
import dev.edgegateway.flow.Futures;
import dev.edgegateway.flow.Outcome;
import dev.edgegateway.flow.OutcomeException;
import dev.edgegateway.cache.Cache;
import dev.edgegateway.cache.CacheEntry;
import dev.edgegateway.cache.CacheHit;
import dev.edgegateway.cache.RedisBackend;
import dev.edgegateway.cache.TokenBucketStores;
import dev.edgegateway.cache.TokenBuckets;
import dev.edgegateway.config.ConfiguredVerticle;
import dev.edgegateway.metrics.Metrics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.authentication.TokenCredentials;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Step 1 of the flow: who the shopper is. Binds {@link IdentityService#RESOLVE_ADDRESS} (every page load:
 * pure, no upstream call) and {@link IdentityService#IDENTIFY_ADDRESS} ({@code POST /v1/identify}: verifies
 * a storefront customer token and links the customer to the exchange id the request carries, or finds the
 * link an earlier identify stored, so a second device stays personalised).
 *
 * <p>Options come from {@code config()} (see {@link IdentityOptions}); links live in the {@link Cache} the
 * gateway passes in, under {@code idlink:<hash of customer id>}, their values sealed (never the exchange id
 * in clear). Klaviyo is called only from identify ({@link KlaviyoProfiles}), and its failure never fails an
 * identify. One customer's identifies are limited ({@code EDGE_IDENTIFY_PER_CUSTOMER_PER_MIN}; in Redis when the
 * gateway has one). Logs and metrics carry hashes and bounded tags only.
 */
public final class IdentityVerticle extends ConfiguredVerticle implements IdentityService {
  /** Prefix of link keys in the link store. */
  public static final String LINK_KEY_PREFIX = "idlink:";

  private static final Logger LOG = LoggerFactory.getLogger(IdentityVerticle.class);
  /** Customers whose identify budgets are kept in memory (without Redis); the idle are forgotten first. */
  private static final long CUSTOMER_BUCKETS = 100_000;

  /** Values of the {@code result} tag of {@code edge_identify_total}. */
  enum IdentifyTag {
    /** An exchange id was seen and the link stored. */
    LINKED,
    /** No exchange id on this request; a stored link was found (second device). */
    FOUND,
    /** No exchange id and no link: the shopper stays anonymous. */
    NOT_LINKED,
    /** An exchange id was seen but the link could not be stored. */
    STORE_ERROR,
    /** {@code __kla_off=true}: nothing linked or sent. */
    OPTED_OUT,
    BAD_REQUEST,
    UNAUTHORIZED,
    /** No customer token secret configured. */
    DISABLED,
    /** The customer identified too often ({@code EDGE_IDENTIFY_PER_CUSTOMER_PER_MIN}): nothing linked or sent. */
    RATE_LIMITED,
    ERROR;

    final String tag = name().toLowerCase(Locale.ROOT);
  }

  private final Cache<String> linkStore;
  private final Optional<RedisBackend> redis;
  private final List<MessageConsumer<?>> consumers = new ArrayList<>();

  private IdentityOptions options;
  private ShopperHash hash;
  private SealedCookie cookies;
  private IdentityResolver resolver;
  private SealedCookie links;
  private JWTAuth customerTokens;
  /** Null when Klaviyo is not called. */
  private KlaviyoProfiles klaviyo;
  private TokenBuckets customerBuckets;
  private Counter customerLimited;

  private final Map<IdentifyTag, Counter> identifications = new EnumMap<>(IdentifyTag.class);

  /** @param linkStore where customer links are kept (memory, or Redis-backed to share them between gateways) */
  public IdentityVerticle(Cache<String> linkStore) {
    this(linkStore, Optional.empty());
  }

  /** @param redis where the per-customer identify budget is kept, so that it holds across gateways (else memory) */
  public IdentityVerticle(Cache<String> linkStore, Optional<RedisBackend> redis) {
    this.linkStore = linkStore;
    this.redis = redis;
  }

  @Override
  public Future<?> start() {
    try {
      options = IdentityOptions.from(config());
    } catch (IllegalArgumentException e) {
      return Future.failedFuture(e);
    }
    hash = new ShopperHash(options.hashPepper());
    java.util.List<byte[]> key = SealedCookie.deriveKeys(options.cookieSecret());
    cookies = new SealedCookie(key, SealedCookie.PURPOSE_COOKIE, options.cookieMaxAgeSeconds(),
        () -> System.currentTimeMillis() / 1000);
    links = new SealedCookie(key, SealedCookie.PURPOSE_LINK, options.linkTtlDays() * 86_400L,
        () -> System.currentTimeMillis() / 1000);
    if (options.identifyEnabled()) {
      JWTOptions verify = new JWTOptions().setLeeway(options.customerTokenLeewaySeconds());
      if (!options.customerTokenIssuer().isEmpty()) {
        verify.setIssuer(options.customerTokenIssuer());
      }
      if (!options.customerTokenAudience().isEmpty()) {
        verify.addAudience(options.customerTokenAudience());
      }
      customerTokens = JWTAuth.create(vertx, new JWTAuthOptions()
          .addPubSecKey(new PubSecKeyOptions().setAlgorithm("HS256").setBuffer(options.customerTokenSecret()))
          .setJWTOptions(verify));
    }
    if (options.klaviyoEnabled()) {
      klaviyo = new KlaviyoProfiles(vertx, options, hash);
    }
    int perMinute = options.identifyPerCustomerPerMinute();
    customerBuckets = perMinute == 0 ? TokenBuckets.unlimited()
        : TokenBucketStores.of(redis, "customer", perMinute / 60.0, perMinute, CUSTOMER_BUCKETS);
    resolver = new IdentityResolver(hash, cookies, Metrics.of(vertx));
    registerMetrics(Metrics.of(vertx));

    Bus.install(vertx);
    consumers.add(Bus.<IdentityRequest, Identity>bind(vertx, RESOLVE_ADDRESS, this::resolve));
    consumers.add(Bus.<IdentifyRequest, IdentifyResult>bind(vertx, IDENTIFY_ADDRESS, this::identify));
    LOG.info("identity up: identify {}, klaviyo calls {}, link store {}",
        options.identifyEnabled() ? "enabled" : "disabled", options.klaviyoEnabled() ? "on" : "off", linkStore.name());
    return Future.all(consumers.stream().map(MessageConsumer::completion).toList());
  }

  @Override
  public Future<?> stop() {
    List<Future<?>> closing = new ArrayList<>();
    for (MessageConsumer<?> consumer : consumers) {
      closing.add(consumer.unregister());
    }
    consumers.clear();
    if (klaviyo != null) {
      closing.add(klaviyo.close());
    }
    return Future.join(closing);
  }

  private void registerMetrics(MeterRegistry registry) {
    for (IdentifyTag tag : IdentifyTag.values()) {
      identifications.put(tag, Metrics.counter(registry, "edge_identify_total", "result", tag.tag));
    }
    customerLimited = Metrics.counter(registry, "edge_rate_limited_total", "scope", "customer", "route", "identify");
  }

  // ---- resolve -----------------------------------------------------------------------------------------

  @Override
  public Future<Identity> resolve(IdentityRequest request, Deadline deadline) {
    return Future.succeededFuture(resolver.resolve(request));
  }

  // ---- identify ----------------------------------------------------------------------------------------

  @Override
  public Future<IdentifyResult> identify(IdentifyRequest request, Deadline deadline) {
    Future<IdentifyResult> result = Futures.attempt(() -> verifyAndLink(request, deadline));
    return result.andThen(ar -> identifications.get(ar.succeeded() ? tagOf(ar.result()) : tagOf(ar.cause()))
        .increment());
  }

  private Future<IdentifyResult> verifyAndLink(IdentifyRequest request, Deadline deadline) {
    if (customerTokens == null) {
      return Future.failedFuture(new OutcomeException(Outcome.NOT_FOUND, "identify is not enabled"));
    }
    CustomerToken token = CustomerToken.parse(request == null ? null : request.customerToken());
    if (token == null) {
      return Future.failedFuture(new OutcomeException(Outcome.BAD_REQUEST, "customer token missing or malformed"));
    }
    if (token.mistypedClaim() != null) {
      return Future.failedFuture(new OutcomeException(Outcome.BAD_REQUEST,
          "customer token claim " + token.mistypedClaim() + " has the wrong type"));
    }
    if (!"HS256".equals(token.algorithm()) || token.critical()
        || token.outlives(System.currentTimeMillis() / 1000, options.customerTokenMaxLifetimeSeconds(),
            options.customerTokenLeewaySeconds())) {
      return Future.failedFuture(new OutcomeException(Outcome.UNAUTHORIZED, "customer token rejected"));
    }
    // whatever the verifier throws is a token it could not verify, never the gateway's error
    return Futures.attempt(() -> customerTokens.authenticate(new TokenCredentials(request.customerToken())))
        .transform(verified -> {
        if (verified.failed() || !token.hasExpiry()
            || !token.issuerMatches(options.customerTokenIssuer())
            || !token.audienceMatches(options.customerTokenAudience())) {
          return Future.failedFuture(new OutcomeException(Outcome.UNAUTHORIZED, "customer token rejected"));
        }
        if (token.customerId() == null) {
          return Future.failedFuture(new OutcomeException(Outcome.BAD_REQUEST, "customer token names no customer"));
        }
        // a replayed or shared token costs a link write and Klaviyo calls each time: one customer gets a budget
        String customerHash = hash.customerId(token.customerId());
        return customerBuckets.take(customerHash).compose(decision -> {
          if (decision.allowed()) {
            return link(token, customerHash, request.seen(), deadline);
          }
          customerLimited.increment();
          return Future.failedFuture(new OutcomeException(Outcome.RATE_LIMITED, "too many identifies for this customer",
              decision.retryAfterSeconds()));
        });
      });
  }

  private Future<IdentifyResult> link(CustomerToken token, String customerHash, IdentityRequest seenRequest,
      Deadline deadline) {
    Identity seen = resolver.inspect(seenRequest);
    if (seen.source() == IdentitySource.OPTED_OUT) {
      LOG.info("identify: customer={} opted out; nothing linked", customerHash);
      return Future.succeededFuture(new IdentifyResult(false, Identity.OPTED_OUT));
    }
    String emailHash = token.email() != null ? hash.email(token.email()) : seen.emailHash();
    String key = LINK_KEY_PREFIX + customerHash;
    if (seen.identified()) {
      String exchangeId = seen.exchangeId();
      Future<Boolean> stored = linkStore.put(key, CacheEntry.of(links.seal(exchangeId, key), options.linkTtlMillis(), 0, 0))
          .map(true)
          .otherwise(t -> {
            LOG.warn("identify: link store {} failed ({}); customer={} not linked", linkStore.name(),
                OutcomeException.outcomeOf(t).tag(), customerHash);
            return false;
          });
      Future<Void> imported = token.email() != null && klaviyo != null
          ? klaviyo.importProfile(token.email(), exchangeId, customerHash, deadline)
          : Future.succeededFuture();
      Identity identity = new Identity(exchangeId, seen.exchangeIdHash(), seen.clientId(), emailHash, seen.source(),
          cookies.seal(exchangeId));
      return Future.join(stored, imported).transform(done -> {
        boolean linked = stored.result();
        if (linked) {
          LOG.info("identify: customer={} linked to exchange={} (from {})", customerHash, seen.exchangeIdHash(),
              seen.source().tag());
        }
        return Future.succeededFuture(new IdentifyResult(linked, identity));
      });
    }
    return linkStore.get(key)
        .otherwise(t -> {
          LOG.warn("identify: link store {} failed ({}); treated as no link", linkStore.name(),
              OutcomeException.outcomeOf(t).tag());
          return null;
        })
        .compose(hit -> {
          String exchangeId = linkedExchangeId(hit, key);
          if (exchangeId != null) {
            String exchangeHash = hash.exchangeId(exchangeId);
            LOG.info("identify: customer={} found linked to exchange={}", customerHash, exchangeHash);
            return Future.succeededFuture(new IdentifyResult(true, new Identity(exchangeId, exchangeHash,
                seen.clientId(), emailHash, IdentitySource.LINKED_CUSTOMER, cookies.seal(exchangeId))));
          }
          Identity anonymous = seen.clientId() == null && emailHash == null ? Identity.ANONYMOUS
              : new Identity(null, null, seen.clientId(), emailHash, IdentitySource.ANONYMOUS, null);
          Future<Void> lookup = token.email() != null && klaviyo != null
              ? klaviyo.lookupProfile(token.email(), customerHash, deadline)
              : Future.succeededFuture();
          return lookup.map(v -> new IdentifyResult(false, anonymous));
        });
  }

  private String linkedExchangeId(CacheHit<String> hit, String key) {
    if (hit == null || hit.entry() == null || hit.entry().negative() || hit.entry().value() == null) {
      return null;
    }
    Optional<SealedCookie.Contents> opened = links.open(hit.entry().value(), key);
    return opened.map(SealedCookie.Contents::exchangeId).orElse(null);
  }

  private static IdentifyTag tagOf(IdentifyResult result) {
    if (result.identity().source() == IdentitySource.OPTED_OUT) {
      return IdentifyTag.OPTED_OUT;
    }
    if (result.identity().source() == IdentitySource.LINKED_CUSTOMER) {
      return IdentifyTag.FOUND;
    }
    if (result.linked()) {
      return IdentifyTag.LINKED;
    }
    return result.identity().identified() ? IdentifyTag.STORE_ERROR : IdentifyTag.NOT_LINKED;
  }

  private static IdentifyTag tagOf(Throwable failure) {
    return switch (OutcomeException.outcomeOf(failure)) {
      case BAD_REQUEST -> IdentifyTag.BAD_REQUEST;
      case UNAUTHORIZED -> IdentifyTag.UNAUTHORIZED;
      case NOT_FOUND -> IdentifyTag.DISABLED;
      case RATE_LIMITED -> IdentifyTag.RATE_LIMITED;
      default -> IdentifyTag.ERROR;
    };
  }

  /** The options in use (after {@link #start()}). */
  public IdentityOptions options() {
    return options;
  }
}
