package dev.edgegateway.recs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class HostAllowlistTest {
  private final HostAllowlist allowlist = new HostAllowlist(List.of("*.ksearchnet.com", "127.0.0.1:8099", " Search.Example.org "));

  @Test
  void allowsListedHostsSubDomainsOfWildcardsAndListedPorts() {
    assertThat(allowlist.allows("eucs29v2.ksearchnet.com")).isTrue();
    assertThat(allowlist.allows("EUCS29V2.KSEARCHNET.COM:443")).isTrue();
    assertThat(allowlist.allows("127.0.0.1:8099")).isTrue();
    assertThat(allowlist.allows("search.example.org")).isTrue();
  }

  @Test
  void refusesEverythingElse() {
    assertThat(allowlist.allows("ksearchnet.com")).as("a wildcard is for sub-domains only").isFalse();
    assertThat(allowlist.allows("evilksearchnet.com")).isFalse();
    assertThat(allowlist.allows("127.0.0.1:8098")).as("another port of a host:port entry").isFalse();
    assertThat(allowlist.allows("127.0.0.1")).isFalse();
    assertThat(allowlist.allows("user@eucs29v2.ksearchnet.com")).isFalse();
    assertThat(allowlist.allows("eucs29v2.ksearchnet.com/cs/v2/search")).isFalse();
    assertThat(allowlist.allows("eucs29v2.ksearchnet.com%2f.evil.com")).isFalse();
    assertThat(allowlist.allows("[::1]:8099")).isFalse();
    assertThat(allowlist.allows("a." + "b".repeat(260) + ".ksearchnet.com")).isFalse();
    assertThat(allowlist.allows("")).isFalse();
    assertThat(allowlist.allows(null)).isFalse();
  }

  @Test
  void wildcardsAndBareHostsMeanTheDefaultPortOnly() {
    assertThat(allowlist.allows("x.KSEARCHNET.com:6379")).as("finding 6: any port of a wildcard").isFalse();
    assertThat(allowlist.allows("eucs29v2.ksearchnet.com:80")).isFalse();
    assertThat(allowlist.allows("search.example.org:8443")).as("a bare host is its default port").isFalse();
    assertThat(allowlist.allows("search.example.org:443")).isTrue();
    assertThat(allowlist.allows("a..ksearchnet.com")).as("an empty label").isFalse();
    assertThat(allowlist.allows("eucs29v2.ksearchnet.com:0")).isFalse();
    assertThat(allowlist.allows("eucs29v2.ksearchnet.com:65536")).isFalse();
  }

  @Test
  void aWildcardMayNameItsPortAndTheDefaultFollowsTheScheme() {
    HostAllowlist http = new HostAllowlist(List.of("*.search.test:8099", "plain.test"), 80);
    assertThat(http.match("eu.search.test:8099")).isEqualTo(HostAllowlist.Match.WILDCARD);
    assertThat(http.match("EU.Search.Test:8099")).isEqualTo(HostAllowlist.Match.WILDCARD);
    assertThat(http.match("eu.search.test")).isEqualTo(HostAllowlist.Match.NONE);
    assertThat(http.match("plain.test")).isEqualTo(HostAllowlist.Match.EXACT);
    assertThat(http.match("plain.test:80")).isEqualTo(HostAllowlist.Match.EXACT);
    assertThat(http.match("plain.test:443")).isEqualTo(HostAllowlist.Match.NONE);
    assertThat(http.parse("PLAIN.test:80").text()).as("canonical: no default port").isEqualTo("plain.test");
    assertThat(http.parse("eu.search.test:8099").text()).isEqualTo("eu.search.test:8099");
  }

  @Test
  void anEntryOfNoKnownFormStopsTheStart() {
    for (String bad : List.of("https://x.test", "*.x.test:99999", "x.test/path", "*x.test", "user@x.test", "*.")) {
      assertThatThrownBy(() -> new HostAllowlist(List.of(bad))).as(bad).isInstanceOf(IllegalArgumentException.class);
    }
  }
}
