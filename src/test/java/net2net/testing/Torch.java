package net2net.testing;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.Tag;

/**
 * Runs PyTorch (`/usr/bin/python3` with torch) beside this project: the interop and bench-peer tests.
 *
 * <p>Test tier `torch` (see {@link Tiers}). Both engines read it: JUnit's and jqwik's tag annotations
 * share a simple name, so jqwik's is written out in full.
 */
@Target({ElementType.TYPE, ElementType.METHOD})
@Retention(RetentionPolicy.RUNTIME)
@Tag(Tiers.TORCH)
@net.jqwik.api.Tag(Tiers.TORCH)
public @interface Torch {}
