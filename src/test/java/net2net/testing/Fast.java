package net2net.testing;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.Tag;

/**
 * Runs in the fast tier (`./run-tests --fast`): no Python, no real data set, at most a couple of seconds.
 *
 * <p>Test tier `fast` (see {@link Tiers}). Both engines read it: JUnit's and jqwik's tag annotations
 * share a simple name, so jqwik's is written out in full.
 */
@Target({ElementType.TYPE, ElementType.METHOD})
@Retention(RetentionPolicy.RUNTIME)
@Tag(Tiers.FAST)
@net.jqwik.api.Tag(Tiers.FAST)
public @interface Fast {}
