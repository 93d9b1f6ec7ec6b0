/**
 * The notification service: a third reference service, built on the evently Spring Boot starter,
 * that shows SNS fan-out. Its queue {@code notification-service} is subscribed to both saga topics
 * ({@code order-events} and {@code customer-events}) beside the order and customer services'
 * queues, so every saga event reaches two queues. It keeps a timeline of every event about an
 * order and "sends" (stores) a notification to the customer when an order's credit check approves
 * or rejects it; each event applies exactly once, in one database transaction with its dedup row,
 * in whatever order and however often the events arrive.
 */
package dev.evently.notifications;
