/** Pointer format, parsing and verification for large events. Not API: may change in any release. */
package dev.evently.payload.internal;
