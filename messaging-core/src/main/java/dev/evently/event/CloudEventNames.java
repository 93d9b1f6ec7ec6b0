package dev.evently.event;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/** CloudEvents 1.0 attribute names and value rules shared by {@link Event} and the codec. */
final class CloudEventNames {
  static final String SPEC_VERSION = "1.0";
  static final String JSON = "application/json";

  static final String SPECVERSION = "specversion";
  static final String ID = "id";
  static final String SOURCE = "source";
  static final String TYPE = "type";
  static final String TIME = "time";
  static final String SUBJECT = "subject";
  static final String DATACONTENTTYPE = "datacontenttype";
  static final String DATASCHEMA = "dataschema";
  static final String CORRELATIONID = "correlationid";
  static final String CAUSATIONID = "causationid";
  static final String TRACEPARENT = "traceparent";
  static final String DATA = "data";
  static final String DATA_BASE64 = "data_base64";

  /** Attributes with a component of their own in {@link Event}: never extensions. */
  static final Set<String> RESERVED =
      Set.of(SPECVERSION, ID, SOURCE, TYPE, TIME, SUBJECT, DATACONTENTTYPE, DATASCHEMA, CORRELATIONID,
          CAUSATIONID, TRACEPARENT, DATA);

  private static final Pattern NAME = Pattern.compile("[a-z0-9]+");

  private CloudEventNames() {}

  /** Whether {@code name} follows the CloudEvents naming rules: lower-case a-z and 0-9 only. */
  static boolean isValidName(String name) {
    return name != null && NAME.matcher(name).matches();
  }

  /**
   * Whether {@code mediaType} says the data is JSON: {@code application/json}, {@code text/json}
   * or any {@code +json} suffix, parameters ignored.
   */
  static boolean isJson(String mediaType) {
    int semicolon = mediaType.indexOf(';');
    String bare = (semicolon < 0 ? mediaType : mediaType.substring(0, semicolon)).trim().toLowerCase(Locale.ROOT);
    return bare.equals(JSON) || bare.equals("text/json") || (bare.contains("/") && bare.endsWith("+json"));
  }

  /** Whether {@code text} is a URI (RFC 3986; relative references allowed). */
  static boolean isUri(String text) {
    try {
      new URI(text);
      return !text.isBlank();
    } catch (URISyntaxException e) {
      return false;
    }
  }

  /** {@code name} shortened for messages: it is a key, but keys can be long. */
  static String shown(String name) {
    return name.length() <= 40 ? name : name.substring(0, 37) + "...";
  }
}
