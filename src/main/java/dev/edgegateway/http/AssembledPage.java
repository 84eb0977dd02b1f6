package dev.edgegateway.http;

import dev.edgegateway.recs.RecsResult;
import dev.edgegateway.segments.SegmentResult;
import io.vertx.core.buffer.Buffer;

/** A page's parts once assembled over the bus: the shopper's segments and the banner for them. */
record AssembledPage(SegmentResult segments, Banner banner) {

  /** A banner, with the page body the banner memo encoded for it when there is one (null: encode it). */
  record Banner(RecsResult result, Buffer memoisedBody) {
  }
}
