/**
 * Policies chosen once, at open: {@link io.mappedjournal.policy.SyncPolicy} (group commit),
 * {@link io.mappedjournal.policy.IdleStrategy} (the idle master),
 * {@link io.mappedjournal.policy.RollPolicy}, {@link io.mappedjournal.policy.Backpressure} and
 * {@link io.mappedjournal.policy.Ordering}.
 */
package io.mappedjournal.policy;
