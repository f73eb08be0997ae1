/**
 * On-disk and in-memory layouts, one descriptor class per layout (static offsets, a diagram, the
 * invariant), and the frame encoder/decoder. The prose specification is {@code docs/FORMAT.md}.
 * Internal.
 */
package io.mappedjournal.format;
