/** Implementation details of the SQS consumer; not API, may change at any time. */
package dev.evently.consume.internal;
