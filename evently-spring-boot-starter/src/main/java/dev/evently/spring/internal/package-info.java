/**
 * The starter's internals (client set-up, the {@code @EventType} scan, handler-method adapters,
 * publisher bean registration, the relay's lifecycle, consumer health): not API, may change in
 * any release.
 */
package dev.evently.spring.internal;
