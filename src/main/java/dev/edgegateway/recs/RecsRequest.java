package dev.edgegateway.recs;

import dev.edgegateway.bus.LocalMessage;
import java.util.List;

/**
 * One recommendation banner for one page: {@code sids} are the shopper's segments (sorted, de-duplicated),
 * {@code pid}/{@code gpid}/{@code cp} the page context (product id, item group id, category path), any null.
 */
public record RecsRequest(String apiKey, String recsKey, List<String> sids, String pid, String gpid, String cp)
    implements LocalMessage {
}
