package dev.evently.consume;

import org.slf4j.helpers.BasicMDCAdapter;
import org.slf4j.simple.SimpleServiceProvider;
import org.slf4j.spi.MDCAdapter;

/**
 * slf4j-simple with a working MDC, for the tests only: slf4j-simple's own provider discards MDC
 * values (NOPMDCAdapter), so nothing could observe what the consumer puts there. Logging output is
 * unchanged. Registered in META-INF/services of the test classes, which come first on the class
 * path.
 */
public final class SimpleProviderWithMdc extends SimpleServiceProvider {
  private final MDCAdapter mdc = new BasicMDCAdapter();

  @Override
  public MDCAdapter getMDCAdapter() {
    return mdc;
  }
}
