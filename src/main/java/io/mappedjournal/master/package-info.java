/**
 * The master thread's duty cycle ({@link io.mappedjournal.master.Master}): drain, frame, sync per
 * policy, advance the durable watermark, wake exactly the satisfied waiters
 * ({@link io.mappedjournal.master.DurabilityWaiters}); and the journal's lifecycle state
 * ({@link io.mappedjournal.master.JournalState}). Internal.
 */
package io.mappedjournal.master;
