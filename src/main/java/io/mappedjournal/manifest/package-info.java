/**
 * The manifest: the journal's CRC-protected table of contents in two alternating slots
 * ({@link io.mappedjournal.manifest.ManifestStore}, layout in
 * {@link io.mappedjournal.manifest.ManifestDescriptor}).
 *
 * <p><b>Internal: not API, no compatibility promise, may change in any release.</b> Public
 * only where the journal's own packages, the tools or the jcstress tests need it; applications
 * use {@code io.mappedjournal}, {@code io.mappedjournal.policy} and {@code io.mappedjournal.metrics}.
 */
package io.mappedjournal.manifest;
