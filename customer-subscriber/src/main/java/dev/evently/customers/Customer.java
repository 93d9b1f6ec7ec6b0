package dev.evently.customers;

import java.math.BigDecimal;

/**
 * A customer and its credit: {@code availableCredit} = {@code creditLimit} minus the amounts of
 * its RESERVED reservations.
 */
public record Customer(String customerId, String name, BigDecimal creditLimit, BigDecimal availableCredit) {}
