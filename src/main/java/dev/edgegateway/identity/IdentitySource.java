package dev.edgegateway.identity;

/** Where the shopper's exchange id came from (a bounded metric tag). */
public enum IdentitySource {
  /** The {@code _kx} link parameter (wins over the cookie). */
  KX_PARAM,
  /** {@code $exchange_id} inside the {@code __kla_id} cookie. */
  KLA_COOKIE,
  /** The gateway's own sealed identity cookie, set after an earlier {@code _kx} or identify. */
  GATEWAY_COOKIE,
  /** A logged-in customer linked to an exchange id seen before ({@code POST /v1/identify}). */
  LINKED_CUSTOMER,
  /** Known to Klaviyo by client id or email only, or not at all. */
  ANONYMOUS,
  /** {@code __kla_off=true}: identity is not sent upstream. */
  OPTED_OUT;

  public String tag() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
