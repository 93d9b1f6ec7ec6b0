package dev.evently.spring;

/** A record no scan registers (no {@code @EventType}). */
record Unregistered(String id) {}
