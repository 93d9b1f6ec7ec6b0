package dev.evently.service;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;

/**
 * Request bodies read with a limit: the services' 16 KiB ({@link #DEFAULT_LIMIT}), or a route's
 * own. A body over the limit is refused with 400 {@code request body exceeds N bytes} before it
 * is parsed, whether the client declared its length or streamed it chunked; the rest of it is
 * read and discarded (up to 8 MiB) and the connection closed after the answer, so a client still
 * sending sees the 400 rather than a connection reset.
 */
public final class RequestBodies {
  /** The body limit of every route that does not set its own: 16 KiB. */
  public static final int DEFAULT_LIMIT = 16 * 1024;

  private static final long DRAIN_LIMIT = 8L * 1024 * 1024;

  private RequestBodies() {}

  /**
   * The whole body of {@code request}, at most {@code limit} bytes.
   *
   * @throws ApiException 400 when it is longer, or its {@code Content-Length} is not a number
   * @throws IOException when the client goes away mid-body
   */
  public static byte[] read(HttpServletRequest request, HttpServletResponse response, int limit) throws IOException {
    String length = request.getHeader("Content-Length");
    if (length != null) {
      long declared;
      try {
        declared = Long.parseLong(length.trim());
      } catch (NumberFormatException e) {
        throw ApiException.badRequest("Content-Length is not a number", null);
      }
      if (declared > limit) {
        throw tooLarge(request.getInputStream(), response, limit);
      }
    }
    InputStream in = request.getInputStream();
    byte[] body = in.readNBytes(limit + 1);
    if (body.length > limit) {
      throw tooLarge(in, response, limit);
    }
    return body;
  }

  private static ApiException tooLarge(InputStream body, HttpServletResponse response, int limit) throws IOException {
    response.setHeader("Connection", "close");
    long skipped = 0;
    byte[] sink = new byte[16 * 1024];
    int n;
    while (skipped < DRAIN_LIMIT && (n = body.read(sink)) > 0) {
      skipped += n;
    }
    return ApiException.badRequest("request body exceeds " + limit + " bytes", null);
  }
}
