package dev.evently.topology.console;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * Headless Chromium through Selenium, from the machine's own packages (Debian: {@code apt-get install
 * chromium chromium-driver}); nothing is downloaded. {@code CHROME_BIN} and {@code CHROMEDRIVER} name
 * other locations. Without them, {@link #start} skips the test on a developer machine and fails it
 * when the environment variable {@code CI} is set: CI must run the browser tests.
 */
final class HeadlessChromium {
  static final String INSTALL = "install Chromium and its driver: apt-get install -y chromium chromium-driver "
      + "(or set CHROME_BIN and CHROMEDRIVER)";

  private HeadlessChromium() {}

  static ChromeDriver start(int width, int height) {
    Optional<Path> browser = find("CHROME_BIN", List.of("/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"));
    Optional<Path> driver = find("CHROMEDRIVER", List.of("/usr/bin/chromedriver", "/usr/lib/chromium/chromedriver"));
    if (browser.isEmpty() || driver.isEmpty()) {
      String missing = (browser.isEmpty() ? "no Chromium" : "no chromedriver") + " found; " + INSTALL;
      if (System.getenv("CI") != null) {
        Assertions.fail("CI must run the browser tests: " + missing);
      }
      System.err.println("browser test skipped: " + missing);
      Assumptions.abort("browser test skipped: " + missing);
    }
    ChromeOptions options = new ChromeOptions();
    options.setBinary(browser.get().toFile());
    options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
        "--window-size=" + width + "," + height, "--hide-scrollbars", "--force-device-scale-factor=1");
    ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(driver.get().toFile())
        .usingAnyFreePort().build();
    ChromeDriver chrome = new ChromeDriver(service, options);
    chrome.manage().timeouts().scriptTimeout(Duration.ofSeconds(20));
    return chrome;
  }

  private static Optional<Path> find(String variable, List<String> candidates) {
    String given = System.getenv(variable);
    if (given != null && !given.isBlank()) {
      return Optional.of(Path.of(given)).filter(Files::isExecutable);
    }
    return candidates.stream().map(Path::of).filter(Files::isExecutable).findFirst();
  }
}
