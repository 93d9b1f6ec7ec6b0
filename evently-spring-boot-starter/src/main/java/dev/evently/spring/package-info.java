/**
 * Spring Boot auto-configuration for evently: {@link dev.evently.spring.EventlyAutoConfiguration}
 * (clients, codec, publishers, {@link dev.evently.spring.EventlyHandler} consumers), {@link
 * dev.evently.spring.EventlyOutboxAutoConfiguration} (the transactional outbox in Spring's
 * transactions) and {@link dev.evently.spring.EventlyHealthAutoConfiguration} (health). The
 * {@code internal} package is not API.
 */
package dev.evently.spring;
