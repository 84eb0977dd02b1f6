package dev.edgegateway.identity;

import dev.edgegateway.bus.LocalMessage;

/**
 * What the HTTP layer saw of a shopper: raw cookie values and the {@code _kx} parameter, undecoded.
 * Any of them may be null, empty or hostile; resolving never fails because of them.
 */
public record IdentityRequest(String klaIdCookie, String klaOffCookie, String kxParam, String gatewayIdCookie)
    implements LocalMessage {

  @Override
  public String toString() {
    return "IdentityRequest[redacted]";
  }
}
