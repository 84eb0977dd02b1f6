package dev.edgegateway.sim;

import io.vertx.ext.web.RoutingContext;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code GET /__sim/images/{id}.svg} and {@code /__sim/images/banner-{recsKey}-{desktop|mobile}.svg}: a small SVG
 * generated per catalogue product (a colour and a label derived from its id) and per static-content banner, so a
 * storefront page fed by the simulator (the demo, the browser checks) shows no broken image and never reaches the
 * internet. Not an upstream: nothing is counted.
 */
final class SimImages {
  static final String PATH = Catalog.IMAGES_PATH;
  private static final Pattern PRODUCT = Pattern.compile("([0-9]{1,9})\\.svg");
  private static final Pattern BANNER = Pattern.compile("banner-([A-Za-z0-9_.-]{1,100})-(desktop|mobile)\\.svg");

  private SimImages() {
  }

  static void serve(RoutingContext ctx) {
    String file = ctx.pathParam("file");
    String svg = file == null ? null : svgFor(file);
    if (svg == null) {
      Replies.json(ctx, 404, "{\"status\":404,\"error\":\"Not Found\"}");
      return;
    }
    if (Replies.gone(ctx)) {
      return;
    }
    ctx.response().putHeader("content-type", "image/svg+xml")
        .putHeader("cache-control", "public, max-age=3600")
        .end(svg);
  }

  /** The image's SVG, or null when {@code file} names none. */
  static String svgFor(String file) {
    Matcher product = PRODUCT.matcher(file);
    if (product.matches()) {
      String name = Catalog.nameOf(product.group(1));
      return name == null ? null : svg(300, 300, hue(product.group(1)), name, "#" + product.group(1));
    }
    Matcher banner = BANNER.matcher(file);
    if (banner.matches()) {
      boolean desktop = banner.group(2).equals("desktop");
      return svg(desktop ? 1200 : 600, desktop ? 300 : 400, hue(banner.group(1)), banner.group(1), "banner");
    }
    return null;
  }

  private static int hue(String seed) {
    return Det.pick(Det.hash(0x1a6e, seed), 360);
  }

  private static String svg(int width, int height, int hue, String label, String caption) {
    return "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" + width + "\" height=\"" + height + "\" viewBox=\"0 0 "
        + width + " " + height + "\"><rect width=\"100%\" height=\"100%\" fill=\"hsl(" + hue + ",55%,85%)\"/>"
        + "<circle cx=\"50%\" cy=\"42%\" r=\"" + Math.min(width, height) / 5 + "\" fill=\"hsl(" + hue + ",45%,55%)\"/>"
        + "<text x=\"50%\" y=\"78%\" font-family=\"sans-serif\" font-size=\"" + Math.min(width, height) / 13
        + "\" text-anchor=\"middle\" fill=\"#334\">" + xml(label) + "</text>"
        + "<text x=\"50%\" y=\"90%\" font-family=\"sans-serif\" font-size=\"" + Math.min(width, height) / 18
        + "\" text-anchor=\"middle\" fill=\"#667\">" + xml(caption) + "</text></svg>";
  }

  private static String xml(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
  }
}
