package dev.edgegateway.http;

import dev.edgegateway.cache.SingleFlight;
import dev.edgegateway.cache.TokenBuckets;
import dev.edgegateway.recs.BannerMemo;
import dev.edgegateway.segments.SegmentStore;

/**
 * What the page route reads besides its bus requests, shared by every {@code HttpVerticle} instance: the shoppers'
 * segment store, the banner memo the recs verticle fills, and the flight that coalesces a shopper's same page
 * ({@code pages} null: no coalescing, as in a plain proxy), and the per-client budget of the routes that cost an
 * upstream call ({@code clients} null: no limit).
 */
public record PageSources(SegmentStore segments, BannerMemo banners, SingleFlight<CoalescedPage> pages,
    TokenBuckets clients) {
}
