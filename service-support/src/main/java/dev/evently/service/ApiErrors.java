package dev.evently.service;

import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.HttpRequestMethodNotSupportedException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.servlet.resource.NoResourceFoundException;

/**
 * Every error of the reference services as {@code {"error": "...", "field": "..."}} (field only
 * when one is at fault): no stack trace, no echoed value. {@link ApiException}s get their status,
 * unknown paths 404, other methods 405, other client errors Spring detects 4xx, unexpected failures
 * 500 (logged with the exception, never the request). Registered by {@link ServiceSupport}.
 */
@RestControllerAdvice
public class ApiErrors {
  private static final Logger log = LoggerFactory.getLogger(ApiErrors.class);

  @ExceptionHandler(ApiException.class)
  ResponseEntity<Map<String, Object>> api(ApiException e) {
    return error(e.status(), e.getMessage(), e.field());
  }

  @ExceptionHandler(NoResourceFoundException.class)
  ResponseEntity<Map<String, Object>> notFound(NoResourceFoundException e) {
    return error(404, "no such resource", null);
  }

  @ExceptionHandler(HttpRequestMethodNotSupportedException.class)
  ResponseEntity<Map<String, Object>> method(HttpRequestMethodNotSupportedException e) {
    return error(405, "method " + e.getMethod() + " not allowed on this resource", null);
  }

  @ExceptionHandler(Exception.class)
  ResponseEntity<Map<String, Object>> unexpected(Exception e) {
    if (e instanceof org.springframework.web.ErrorResponse response && response.getStatusCode().is4xxClientError()) {
      return error(response.getStatusCode().value(), "bad request", null);
    }
    log.error("request failed", e);
    return error(500, "internal error", null);
  }

  /** The error response: {@code status} with {@code {"error": message, "field": field}} (no field when null). */
  public static ResponseEntity<Map<String, Object>> error(int status, String message, String field) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("error", message);
    if (field != null) {
      body.put("field", field);
    }
    return ResponseEntity.status(HttpStatus.valueOf(status)).contentType(MediaType.APPLICATION_JSON).body(body);
  }
}
