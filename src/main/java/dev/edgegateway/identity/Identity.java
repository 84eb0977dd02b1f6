package dev.edgegateway.identity;

import dev.edgegateway.bus.LocalMessage;

/**
 * A resolved shopper. {@code exchangeId} is the Klaviyo exchange id in clear, for upstream calls only:
 * never log it, put it in a metric or send it to a browser. {@code exchangeIdHash} is the keyed hash used
 * wherever the id becomes a cache key or a log field. {@code gatewayCookie}, when not null, is a new value
 * of the gateway's sealed identity cookie that the HTTP layer should set.
 */
public record Identity(
    String exchangeId,
    String exchangeIdHash,
    String clientId,
    String emailHash,
    IdentitySource source,
    String gatewayCookie) implements LocalMessage {

  public static final Identity ANONYMOUS = new Identity(null, null, null, null, IdentitySource.ANONYMOUS, null);
  public static final Identity OPTED_OUT = new Identity(null, null, null, null, IdentitySource.OPTED_OUT, null);

  public boolean identified() {
    return exchangeId != null;
  }

  @Override
  public String toString() {
    return "Identity[source=" + source + ", hash=" + (exchangeIdHash == null ? "-" : exchangeIdHash) + "]";
  }
}
