/**
 * Large events: the claim-check contract between the publisher and the consumer. {@link
 * dev.evently.payload.PayloadStore} is implemented by {@code messaging-s3}; the pointer format and
 * its checks live in {@code payload.internal} (not API). See {@code docs/LARGE-EVENTS.md}.
 */
package dev.evently.payload;
