/**
 * Recovery at open: a read-only scan that explains every file and finds the last valid frame
 * ({@link io.mappedjournal.recovery.RecoveryScan}, one segment at a time in
 * {@link io.mappedjournal.recovery.SegmentScan}), deciding what each kind of damage means in each
 * mode by one table ({@link io.mappedjournal.recovery.RecoveryRules}, docs/FORMAT.md's as code),
 * and producing a plan, one ordered list of self-describing steps
 * ({@link io.mappedjournal.recovery.RecoveryPlan}), that an explicit repair step performs in order
 * ({@link io.mappedjournal.recovery.Repair}); modes in {@link io.mappedjournal.policy.RecoveryMode},
 * results in {@link io.mappedjournal.RecoveryReport}. Tools reach it through
 * {@code io.mappedjournal.inspect.Recovery}.
 *
 * <p><b>Internal: not API, no compatibility promise, may change in any release.</b> Public
 * only where the journal's own packages, the tools or the jcstress tests need it; applications
 * use {@code io.mappedjournal}, {@code io.mappedjournal.policy} and {@code io.mappedjournal.metrics}.
 */
package io.mappedjournal.recovery;
