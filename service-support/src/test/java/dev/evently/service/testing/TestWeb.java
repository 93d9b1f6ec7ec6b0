package dev.evently.service.testing;

import dev.evently.service.ApiErrors;
import java.util.function.Consumer;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.context.annotation.PropertySource;
import org.springframework.context.support.GenericApplicationContext;

/**
 * A service's controllers on the real web stack (embedded Tomcat and Spring MVC with the services'
 * server settings and error shape, {@link ApiErrors}), without its database, AWS clients or
 * consumer: the controllers' collaborators are the test's own beans. Port 0; close to stop.
 */
public final class TestWeb implements AutoCloseable {
  @Configuration(proxyBeanMethods = false)
  @ImportAutoConfiguration(
      classes = {
        org.springframework.boot.autoconfigure.context.PropertyPlaceholderAutoConfiguration.class,
        org.springframework.boot.tomcat.autoconfigure.servlet.TomcatServletWebServerAutoConfiguration.class,
        org.springframework.boot.webmvc.autoconfigure.DispatcherServletAutoConfiguration.class,
        org.springframework.boot.webmvc.autoconfigure.WebMvcAutoConfiguration.class,
        org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration.class,
        org.springframework.boot.http.converter.autoconfigure.HttpMessageConvertersAutoConfiguration.class
      })
  @Import(ApiErrors.class)
  @PropertySource("classpath:evently-service.properties")
  static class Web {}

  private final ConfigurableApplicationContext context;

  private TestWeb(ConfigurableApplicationContext context) {
    this.context = context;
  }

  /**
   * Starts {@code controllers} (and whatever {@code beans} registers, e.g. the service they call)
   * on a free port.
   */
  public static TestWeb start(Consumer<GenericApplicationContext> beans, Class<?>... controllers) {
    SpringApplicationBuilder builder = new SpringApplicationBuilder(Web.class)
        .sources(controllers)
        .properties("server.port=0", "spring.main.banner-mode=off", "spring.config.name=no-application-properties")
        .initializers(context -> beans.accept((GenericApplicationContext) context));
    return new TestWeb(builder.run());
  }

  public int port() {
    return ((WebServerApplicationContext) context).getWebServer().getPort();
  }

  @Override
  public void close() {
    context.close();
  }
}
