package dev.evently.topology.console;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Takes the README's screenshot of a running console with the same headless Chromium as the
 * browser test: {@code java -cp <infra test classpath> dev.evently.topology.console.ConsoleScreenshot
 * http://127.0.0.1:PORT/ docs/console.png}. Waits for the graph and about ten depth samples, peeks
 * the first DLQ, then saves the page.
 */
public final class ConsoleScreenshot {
  private ConsoleScreenshot() {}

  public static void main(String[] args) throws Exception {
    if (args.length != 2) {
      System.err.println("usage: ConsoleScreenshot URL OUT.png");
      System.exit(2);
    }
    ChromeDriver browser = HeadlessChromium.start(1500, 1150);
    try {
      browser.get(args[0]);
      WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(30));
      wait.until(d -> !d.findElements(By.cssSelector("#graph g.queue")).isEmpty());
      Thread.sleep(30_000);   // about ten refreshes for the sparklines
      browser.findElements(By.cssSelector(".dlq-panel button.peek")).get(0).click();
      Thread.sleep(3_000);
      Files.write(Path.of(args[1]), browser.getScreenshotAs(OutputType.BYTES));
      System.out.println("wrote " + args[1]);
    } finally {
      browser.quit();
    }
  }
}
