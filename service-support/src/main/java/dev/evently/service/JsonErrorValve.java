package dev.evently.service;

import java.io.IOException;
import java.io.Writer;
import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.valves.ErrorReportValve;

/**
 * Tomcat's answer to what never reaches Spring (a URI it refuses, headers over the limit, a
 * malformed request line) in the services' error shape: {@code {"error": "bad request"}} with the
 * status Tomcat chose, instead of its HTML page. Nothing of the request is echoed. Installed as
 * the host's error report valve by {@link ServiceSupport}.
 */
public class JsonErrorValve extends ErrorReportValve {
  @Override
  protected void report(Request request, Response response, Throwable throwable) {
    int status = response.getStatus();
    if (status < 400 || response.getContentWritten() > 0) {
      return;
    }
    String message = status == 404 ? "no such resource" : status < 500 ? "bad request" : "internal error";
    try {
      response.setContentType("application/json");
      response.setCharacterEncoding("UTF-8");
      Writer writer = response.getReporter();
      if (writer != null) {
        writer.write("{\"error\":\"" + message + "\"}");
        response.finishResponse();
      }
    } catch (IOException | IllegalStateException e) {
      // the client is gone or the response is committed: nothing more to say
    }
  }
}
