package net2net.testing;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.Tag;

/**
 * Too slow for the fast tier: property tests over random networks, training, whole-command runs.
 *
 * <p>Test tier `slow` (see {@link Tiers}). Both engines read it: JUnit's and jqwik's tag annotations
 * share a simple name, so jqwik's is written out in full.
 */
@Target({ElementType.TYPE, ElementType.METHOD})
@Retention(RetentionPolicy.RUNTIME)
@Tag(Tiers.SLOW)
@net.jqwik.api.Tag(Tiers.SLOW)
public @interface Slow {}
