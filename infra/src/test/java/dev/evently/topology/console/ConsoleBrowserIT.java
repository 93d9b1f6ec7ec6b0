package dev.evently.topology.console;

import static org.assertj.core.api.Assertions.assertThat;

import dev.evently.localstack.LocalAws;
import dev.evently.localstack.TestNames;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * The console in a real (headless) browser against the local backend: the graph and the depths
 * are shown, a DLQ is peeked, and a filtered redrive through the confirmation step moves exactly
 * the matching messages. Skipped without Chromium on a developer machine, failed in CI.
 */
@LocalAws
class ConsoleBrowserIT {
  private static final String CREATED = "dev.evently.saga.order.created";
  private ConsoleFixture f;
  private ChromeDriver browser;

  @BeforeEach
  void openBrowserThenConsole(SqsClient sqs, SnsClient sns, TestNames names) {
    browser = HeadlessChromium.start(1500, 1250);   // first: without a browser, skip (or fail in CI) at once
    f = new ConsoleFixture(sqs, sns, names.queue("b") + "-");
  }

  @AfterEach
  void close() {
    if (browser != null) {
      browser.quit();
    }
    if (f != null) {
      f.close();
    }
  }

  @Test
  void showsGraphAndDepthsAndRedrivesOnlyTheFilteredTypeAfterConfirmation() throws IOException {
    String dlq = f.prefix + "customer-service-dlq";
    f.deadLetter("customer-service-dlq", CREATED, "HANDLER_REJECTED");
    f.deadLetter("customer-service-dlq", "dev.evently.saga.order.cancelled", "INVALID_DATA");
    f.deadLetter("customer-service-dlq", CREATED, "HANDLER_REJECTED");
    WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(20));

    browser.get(f.console.url());

    wait.until(ExpectedConditions.presenceOfElementLocated(
        By.cssSelector("#graph g.topic[data-name='" + f.prefix + "order-events']")));
    assertThat(browser.findElements(By.cssSelector("#graph g.queue"))).hasSize(3);
    assertThat(browser.findElements(By.cssSelector("#graph g.dlq"))).hasSize(3);
    assertThat(browser.findElements(By.cssSelector("#graph g.sub")).stream().map(e -> e.getAttribute("textContent")))
        .anyMatch(t -> t.contains("event-type") && t.contains("created"));
    wait.until(ExpectedConditions.textToBe(By.id("visible-" + dlq), "3"));
    wait.until(ExpectedConditions.textToBe(By.id("depth-" + dlq), "3 visible · 0 in flight"));
    assertThat(browser.findElement(By.id("visible-" + f.prefix + "customer-service")).getText()).isEqualTo("0");

    WebElement panel = browser.findElement(By.id("dlq-" + dlq));
    panel.findElement(By.cssSelector("button.peek")).click();
    wait.until(d -> panel.findElements(By.cssSelector("tr.letter")).size() == 3);
    assertThat(panel.getText()).contains("HANDLER_REJECTED", "INVALID_DATA", "credit service unavailable")
        .doesNotContain("secret-body-marker");
    panel.findElements(By.cssSelector("button.show-body")).get(0).click();
    wait.until(d -> panel.findElements(By.cssSelector("pre.body")).size() == 1);
    assertThat(panel.findElement(By.cssSelector("pre.body")).getText()).contains("secret-body-marker");

    panel.findElement(By.name("type")).sendKeys(CREATED);
    panel.findElement(By.cssSelector("button.redrive")).click();
    assertThat(f.depth("customer-service-dlq")).as("nothing moves before the confirmation").isEqualTo(3);
    panel.findElement(By.cssSelector("button.confirm-redrive")).click();

    wait.until(ExpectedConditions.textToBePresentInElement(panel.findElement(By.cssSelector(".result")), "Moved 2 of 3"));
    wait.until(ExpectedConditions.textToBe(By.id("visible-" + dlq), "1"));
    assertThat(f.depth("customer-service")).isEqualTo(2);
    Files.write(Path.of("target/console-browser-test.png"), browser.getScreenshotAs(OutputType.BYTES));
    assertThat(browser.findElement(By.id("status")).getText()).isEmpty();
    List<String> errors = browser.manage().logs().get("browser").getAll().stream()
        .filter(e -> e.getLevel().intValue() >= java.util.logging.Level.SEVERE.intValue()).map(Object::toString).toList();
    assertThat(errors).as("console errors in the page (e.g. CSP violations)").isEmpty();
  }
}
