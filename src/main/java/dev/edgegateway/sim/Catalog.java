package dev.edgegateway.sim;

import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Fixed reference data the simulator derives its deterministic answers from. */
final class Catalog {

  /** Klevu segment ids handed out by the visitor service. */
  static final String[] SEGMENTS = {
      "seg-vip", "seg-bargain-hunter", "seg-new-arrivals", "seg-outdoor",
      "seg-lapsed", "seg-loyal", "seg-high-intent", "seg-first-time"};
  static final String[] SEGMENT_NAMES = {
      "VIP shoppers", "Bargain hunters", "New arrivals fans", "Outdoor enthusiasts",
      "Lapsed customers", "Loyal customers", "High intent", "First-time buyers"};

  static final String[] TITLES = {
      "Still looking for these?", "Trending now", "You may also like", "Picked for you",
      "Customers also viewed", "New in", "Complete the look", "Best sellers"};

  static final String[] HOME_LOGIC = {"TRENDING", "TRENDING_PERSONALIZED", "NEWEST_ARRIVALS", "RECENTLY_VIEWED", "HAND_PICKED"};
  static final String[] CATEGORY_LOGIC = {"TRENDING", "TRENDING_PERSONALIZED", "NEWEST_ARRIVALS", "CUSTOM_LOGIC"};
  static final String[] PRODUCT_LOGIC = {"OTHER_ALSO_VIEWED", "SIMILAR", "BOUGHT_TOGETHER_PDP", "VISUALLY_SIMILAR"};
  static final String[] CHECKOUT_LOGIC = {"BOUGHT_TOGETHER", "TRENDING", "CUSTOM_LOGIC"};
  static final int[] MAX_PRODUCTS = {4, 6, 8, 10, 12};

  /** Number of products in the simulated catalogue (prime, so any stride walks it without repeats). */
  static final int PRODUCTS = 2003;
  static final int FIRST_PRODUCT_ID = 10000;

  private static final String[] ADJ = {"Classic", "Everyday", "Trail", "Urban", "Vintage", "Lightweight", "Premium", "Cozy",
      "Slim", "Rugged", "Soft", "Bold"};
  private static final String[] NOUN = {"Jacket", "Sneaker", "Backpack", "T-Shirt", "Hoodie", "Cap", "Boot", "Scarf",
      "Tent", "Water Bottle", "Sunglasses", "Jeans", "Watch", "Sock Pack"};
  private static final String[] BRANDS = {"47", "Northwind", "Acme Outdoor", "Blue Fern", "Kite & Co", "Marlow", "Ostrava"};

  /** Where the simulator serves the catalogue's images ({@link SimImages}). */
  static final String IMAGES_PATH = "/__sim/images/";
  /** Where the simulator's own base URL goes in a record's image URL (split out once, at start). */
  private static final String BASE = "@@SIM_BASE@@";
  /** Pre-encoded JSON of every product record (values are strings, as Klevu returns them), around the image base. */
  private static final String[] RECORD_HEAD = new String[PRODUCTS];
  private static final String[] RECORD_TAIL = new String[PRODUCTS];

  static {
    for (int k = 0; k < PRODUCTS; k++) {
      String json = buildRecord(k).encode();
      int at = json.indexOf(BASE);
      RECORD_HEAD[k] = json.substring(0, at);
      RECORD_TAIL[k] = json.substring(at + BASE.length());
    }
  }

  private Catalog() {
  }

  /** A product record whose image is served by the simulator at {@code baseUrl} ({@link SimImages}). */
  static StringBuilder appendRecord(StringBuilder sb, int k, String baseUrl) {
    return sb.append(RECORD_HEAD[k]).append(baseUrl).append(RECORD_TAIL[k]);
  }

  /** The catalogue name of a product id, or null when the catalogue has no such product. */
  static String nameOf(String id) {
    Integer k = position(id);
    return k == null ? null : buildRecord(k).getString("name");
  }

  static String productId(int k) {
    return Integer.toString(FIRST_PRODUCT_ID + k);
  }

  /** The catalogue position of a product id, or null when the catalogue has no such product. */
  static Integer position(String id) {
    try {
      int k = Integer.parseInt(id) - FIRST_PRODUCT_ID;
      return k >= 0 && k < PRODUCTS ? k : null;
    } catch (NumberFormatException e) {
      return null;
    }
  }

  private static JsonObject buildRecord(int k) {
    long h = Det.mix(k * 0x9e3779b97f4a7c15L + 17);
    String id = productId(k);
    String name = ADJ[Det.pick(h, ADJ.length)] + " " + NOUN[Det.pick(h >>> 8, NOUN.length)];
    int cents = 999 + Det.pick(h >>> 16, 24000);
    cents = cents - cents % 100 + 99;
    boolean onSale = Det.pick(h >>> 32, 4) == 0;
    int saleCents = onSale ? (cents * 8 / 10) - (cents * 8 / 10) % 100 + 99 : cents;
    String slug = name.toLowerCase(Locale.ROOT).replace(' ', '-').replace("&", "and");
    return new JsonObject()
        .put("id", id)
        .put("itemGroupId", Integer.toString(60000 + k / 2))
        .put("sku", "SKU-" + id)
        .put("name", name)
        .put("price", money(cents))
        .put("salePrice", money(saleCents))
        .put("currency", "USD")
        .put("url", "https://shop.example.test/products/" + slug + "-" + id)
        .put("image", BASE + IMAGES_PATH + id + ".svg")
        .put("inStock", Det.pick(h >>> 40, 10) == 0 ? "no" : "yes")
        .put("brand", BRANDS[Det.pick(h >>> 48, BRANDS.length)])
        .put("typeOfRecord", "KLEVU_PRODUCT");
  }

  private static String money(int cents) {
    return (cents / 100) + "." + (cents % 100 < 10 ? "0" : "") + (cents % 100);
  }

  /**
   * 1 to 3 distinct segments for an exchange id, deterministic for ({@code exchangeId}, {@code seed}).
   */
  static List<String> segmentsFor(String exchangeId, long seed) {
    long h = Det.hash(seed, exchangeId);
    int n = 1 + Det.pick(h, 3);
    int start = Det.pick(h >>> 8, SEGMENTS.length);
    int stride = 1 + 2 * Det.pick(h >>> 16, SEGMENTS.length / 2); // odd, hence coprime with 8
    List<String> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      out.add(SEGMENTS[(start + i * stride) % SEGMENTS.length]);
    }
    return out;
  }

  static String segmentName(String sid) {
    for (int i = 0; i < SEGMENTS.length; i++) {
      if (SEGMENTS[i].equals(sid)) {
        return SEGMENT_NAMES[i];
      }
    }
    return "Segment " + sid;
  }
}
