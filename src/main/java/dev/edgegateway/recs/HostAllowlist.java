package dev.edgegateway.recs;

import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Hosts a remote config's {@code search.basePath} may send us to. Entries are {@code host},
 * {@code host:port} or {@code *.domain} (any sub-domain, any port of the default scheme).
 */
public final class HostAllowlist {
  // compiled once: String.matches compiled it again on every search of a cold page
  private static final Pattern AUTHORITY = Pattern.compile("[a-z0-9.-]+(:[0-9]{1,5})?");
  private final List<String> entries;

  public HostAllowlist(List<String> entries) {
    this.entries = entries.stream().map(e -> e.trim().toLowerCase(Locale.ROOT)).filter(e -> !e.isEmpty()).toList();
  }

  /** @param authority {@code host} or {@code host:port}, as found in a basePath */
  public boolean allows(String authority) {
    if (authority == null || authority.isEmpty() || authority.length() > 255) {
      return false;
    }
    String value = authority.toLowerCase(Locale.ROOT);
    if (!AUTHORITY.matcher(value).matches()) {
      return false; // userinfo, IPv6 brackets, paths or percent-escapes: never ours
    }
    String host = value.contains(":") ? value.substring(0, value.indexOf(':')) : value;
    for (String entry : entries) {
      if (entry.equals(value) || entry.equals(host) && !entry.contains(":")) {
        return true;
      }
      if (entry.startsWith("*.") && !entry.contains(":") && host.endsWith(entry.substring(1))
          && host.length() > entry.length() - 1) {
        return true;
      }
    }
    return false;
  }

  @Override
  public String toString() {
    return String.join(",", entries);
  }
}
