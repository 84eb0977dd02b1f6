package dev.edgegateway.recs;

import dev.edgegateway.bus.LocalMessage;
import java.util.List;

/**
 * One recommendation banner for one page: {@code sids} are the shopper's segments (sorted, de-duplicated),
 * {@code pid}/{@code gpid}/{@code cp} the page context (product id, item group id, category path), {@code cart} the
 * product ids in the cart of a checkout page (null when the page gave none), any null. {@code shopper} is the key of
 * the shopper's last clicked products ({@link RecentClicks#shopperKey}; in memory only, never printed), or null for none.
 */
public record RecsRequest(String apiKey, String recsKey, List<String> sids, String pid, String gpid, String cp,
    List<String> cart, String shopper) implements LocalMessage {

  /** A page without a cart, for no shopper in particular. */
  public RecsRequest(String apiKey, String recsKey, List<String> sids, String pid, String gpid, String cp) {
    this(apiKey, recsKey, sids, pid, gpid, cp, null, null);
  }

  @Override
  public String toString() {
    return "RecsRequest[recsKey=" + recsKey + ", sids=" + sids.size() + ", pid=" + pid + ", cp=" + cp + "]";
  }
}
