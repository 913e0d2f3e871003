package net2net.testing;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.Tag;

/**
 * Reads the real Fashion-MNIST files (Debian's `dataset-fashion-mnist`).
 *
 * <p>Test tier `data` (see {@link Tiers}). Both engines read it: JUnit's and jqwik's tag annotations
 * share a simple name, so jqwik's is written out in full.
 */
@Target({ElementType.TYPE, ElementType.METHOD})
@Retention(RetentionPolicy.RUNTIME)
@Tag(Tiers.DATA)
@net.jqwik.api.Tag(Tiers.DATA)
public @interface RealData {}
