package dev.edgegateway.http;

import java.util.List;

/**
 * A page assembled once for everyone who asked for it meanwhile, with the steps that degraded and the request
 * that assembled it (the flight's leader).
 */
public record CoalescedPage(PageRequest leader, AssembledPage page, List<String> degraded) {

  boolean assembledFor(PageRequest request) {
    return leader == request;
  }
}
