package net2net.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.annotation.Annotation;
import java.lang.reflect.AnnotatedElement;
import java.lang.reflect.Method;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** Every test carries a tier, and a fast test needs neither Python nor the real data set. */
@Fast
class TiersTest {
    /** Annotations that make a method a test, in either engine. */
    static final Set<String> TEST_ANNOTATIONS = Set.of(
            "org.junit.jupiter.api.Test",
            "org.junit.jupiter.params.ParameterizedTest",
            "org.junit.jupiter.api.RepeatedTest",
            "org.junit.jupiter.api.TestFactory",
            "net.jqwik.api.Property",
            "net.jqwik.api.Example");

    @Test
    void everyTestHasATierAndFastMeansNothingElse() throws IOException, URISyntaxException, ClassNotFoundException {
        Path root = Path.of(TiersTest.class
                .getProtectionDomain()
                .getCodeSource()
                .getLocation()
                .toURI());
        List<String> untagged = new ArrayList<>();
        List<String> mixed = new ArrayList<>();
        int tests = 0;
        for (Class<?> c : testClasses(root)) {
            for (Method m : c.getDeclaredMethods()) {
                if (Stream.of(m.getAnnotations())
                        .noneMatch(a ->
                                TEST_ANNOTATIONS.contains(a.annotationType().getName()))) {
                    continue;
                }
                tests++;
                Set<String> tiers = new TreeSet<>(tiers(m));
                for (Class<?> k = c; k != null; k = k.getEnclosingClass()) {
                    tiers.addAll(tiers(k));
                }
                String name = c.getName() + "." + m.getName();
                if (tiers.isEmpty()) {
                    untagged.add(name);
                } else if (tiers.contains(Tiers.FAST) && tiers.size() > 1) {
                    mixed.add(name + " " + tiers);
                }
            }
        }
        assertTrue(tests > 100, "found only " + tests + " tests under " + root);
        assertTrue(
                untagged.isEmpty(),
                "tests without a tier (add @Fast, @Slow, @Torch or @RealData from net2net.testing): " + untagged);
        assertTrue(mixed.isEmpty(), "fast tests must not also be slow, torch or data: " + mixed);
    }

    @Test
    void eachTierAnnotationCarriesItsOwnTagForBothEngines() {
        Map<Class<? extends Annotation>, String> expected = Map.of(
                Fast.class, Tiers.FAST, Slow.class, Tiers.SLOW, Torch.class, Tiers.TORCH, RealData.class, Tiers.DATA);
        expected.forEach((annotation, tier) -> {
            assertEquals(tier, annotation.getAnnotation(Tag.class).value(), annotation.getSimpleName() + " for JUnit");
            assertEquals(
                    List.of(tier),
                    Stream.of(annotation.getAnnotationsByType(net.jqwik.api.Tag.class))
                            .map(net.jqwik.api.Tag::value)
                            .toList(),
                    annotation.getSimpleName() + " for jqwik");
        });
    }

    /** The tier tags on an element: direct @Tag, or through an annotation meta-annotated with @Tag. */
    static Set<String> tiers(AnnotatedElement e) {
        Set<String> found = new TreeSet<>();
        for (Tag t : e.getAnnotationsByType(Tag.class)) {
            found.add(t.value());
        }
        for (Annotation a : e.getAnnotations()) {
            for (Tag t : a.annotationType().getAnnotationsByType(Tag.class)) {
                found.add(t.value());
            }
        }
        found.retainAll(Tiers.ALL);
        return found;
    }

    static List<Class<?>> testClasses(Path root) throws IOException, ClassNotFoundException {
        List<Class<?>> classes = new ArrayList<>();
        try (Stream<Path> files = Files.walk(root)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".class")).toList()) {
                String name = root.relativize(f).toString().replace('/', '.').replaceAll("\\.class$", "");
                classes.add(Class.forName(name, false, TiersTest.class.getClassLoader()));
            }
        }
        return classes;
    }
}
