package dev.edgegateway.recs;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The query of a KMC config request as {@code @klevu/core}'s {@code kmcRecommendation} writes it, after the browser's
 * fetch has escaped what it escapes (docs/upstream-apis.md §3): none at all without page context or segments;
 * {@code ?&cp=..&pid=..&gpid=..} (those present, in this order, the query starting with {@code ?&}) then
 * {@code &sids=a,b}; or {@code ?sids=a,b} alone. Values are not form-encoded: {@code ;} between categories and
 * {@code ,} between segments go raw. Percent-encoded are what fetch escapes in a query (controls, space,
 * {@code " # < > '}, non-ASCII as UTF-8), and, unlike the SDK, {@code & %} and the characters a URI may not carry
 * raw ({@code [ \ ] ^ ` { | }}): a value of the SDK holding {@code &} would break its own query apart, the gateway's
 * stays one value.
 */
final class KmcConfigQuery {
  private static final char[] HEX = "0123456789ABCDEF".toCharArray();

  private KmcConfigQuery() {
  }

  /** The query, with its {@code ?}, or the empty string. */
  static String of(String cp, String pid, String gpid, List<String> sids) {
    StringBuilder query = new StringBuilder();
    if (present(cp) || present(pid) || present(gpid)) {
      query.append('?');
      param(query, "&cp=", cp);
      param(query, "&pid=", pid);
      param(query, "&gpid=", gpid);
    }
    if (!sids.isEmpty()) {
      query.append(query.length() > 0 ? "&sids=" : "?sids=");
      for (int i = 0; i < sids.size(); i++) {
        if (i > 0) {
          query.append(',');
        }
        escape(query, sids.get(i));
      }
    }
    return query.toString();
  }

  private static boolean present(String value) {
    return value != null && !value.isEmpty();
  }

  private static void param(StringBuilder query, String prefix, String value) {
    if (present(value)) {
      query.append(prefix);
      escape(query, value);
    }
  }

  /** Appends {@code value} with the escapes described in the class comment. */
  static void escape(StringBuilder out, String value) {
    for (byte b : value.getBytes(StandardCharsets.UTF_8)) {
      int c = b & 0xff;
      if (c <= 0x20 || c >= 0x7f || "\"#<>'&%[\\]^`{|}".indexOf(c) >= 0) {
        out.append('%').append(HEX[c >> 4]).append(HEX[c & 0xf]);
      } else {
        out.append((char) c);
      }
    }
  }
}
