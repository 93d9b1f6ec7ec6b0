package dev.evently.localstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class TestNamesTest {

    @Test
    void sameBaseGivesSameNameWithinOneInstance() {
        TestNames names = new TestNames(42);

        assertThat(names.queue("orders")).isEqualTo(names.queue("orders")).matches("orders-[0-9a-f]{8}");
        assertThat(names.queue("orders")).isNotEqualTo(names.queue("payments").replace("payments", "orders"));
    }

    @Test
    void differentInstancesGiveDifferentNames() {
        assertThat(TestNames.random().queue("orders")).isNotEqualTo(TestNames.random().queue("orders"));
        assertThat(new TestNames(1).topic("orders")).isNotEqualTo(new TestNames(2).topic("orders"));
        assertThat(new TestNames(7).topic("orders")).isEqualTo(new TestNames(7).topic("orders"));
    }

    @Test
    void fifoNamesEndWithFifoOnce() {
        TestNames names = new TestNames(3);

        assertThat(names.fifoQueue("orders")).matches("orders-[0-9a-f]{8}\\.fifo");
        assertThat(names.fifoTopic("orders.fifo")).matches("orders-[0-9a-f]{8}\\.fifo");
    }

    @Test
    void invalidCharactersAreReplacedAndLongBasesShortened() {
        TestNames names = new TestNames(4);

        assertThat(names.queue("order events/v1")).matches("order-events-v1-[0-9a-f]{8}");
        String longBase = "x".repeat(200);
        assertThat(names.queue(longBase)).hasSize(TestNames.MAX_LENGTH).matches("[A-Za-z0-9_-]+");
        assertThat(names.fifoQueue(longBase)).hasSize(TestNames.MAX_LENGTH).endsWith(".fifo");
    }

    @Test
    void badBasesAreRejected() {
        TestNames names = new TestNames(5);

        assertThatThrownBy(() -> names.queue(" ")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("base");
        assertThatThrownBy(() -> names.queue("orders.fifo")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("fifoQueue");
        assertThatThrownBy(() -> names.fifoQueue(".fifo")).isInstanceOf(IllegalArgumentException.class);
    }
}
