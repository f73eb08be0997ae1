/**
 * On-disk and in-memory layouts, one descriptor class per layout (static offsets, a diagram, the
 * invariant), and the frame encoder/decoder. The prose specification is {@code docs/FORMAT.md}.
 *
 *
 * <p><b>Internal: not API, no compatibility promise, may change in any release.</b> Public
 * only where the journal's own packages, the tools or the jcstress tests need it; applications
 * use {@code io.mappedjournal}, {@code io.mappedjournal.policy} and {@code io.mappedjournal.metrics}.
 */
package io.mappedjournal.format;
