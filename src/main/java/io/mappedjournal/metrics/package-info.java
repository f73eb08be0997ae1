/**
 * Counters and histograms: {@link io.mappedjournal.metrics.MetricsSnapshot} (from
 * {@code Journal.metrics()}) and the JMX view {@link io.mappedjournal.metrics.JournalMXBean}.
 */
package io.mappedjournal.metrics;
