/**
 * The master thread's duty cycle ({@link io.mappedjournal.master.Master}): drain (one of two
 * {@link io.mappedjournal.master.Drain}s, chosen once from the ordering, pulls each record from
 * its staging ring and hands its bytes, an address and a length, to the segment log), frame, sync per
 * policy (the policy's syncs on the sealer thread, a waiting caller's on the master), advance the
 * durable watermark, wake exactly the satisfied waiters
 * ({@link io.mappedjournal.master.DurabilityWaiters}); and the journal's lifecycle state
 * ({@link io.mappedjournal.master.JournalState}).
 *
 * <p><b>Internal: not API, no compatibility promise, may change in any release.</b> Public
 * only where the journal's own packages, the tools or the jcstress tests need it; applications
 * use {@code io.mappedjournal}, {@code io.mappedjournal.policy} and {@code io.mappedjournal.metrics}.
 */
package io.mappedjournal.master;
