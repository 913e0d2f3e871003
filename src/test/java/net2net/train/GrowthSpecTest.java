package net2net.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net2net.Net2NetException;
import net2net.testing.Fast;
import org.junit.jupiter.api.Test;

/** The growth spec AT:TRANSFORM of docs/optimizer-growth.md#growth-specs. */
@Fast
class GrowthSpecTest {

    @Test
    void parsesTheCommandsVocabulary() {
        assertEquals(
                new GrowthSpec(
                        new GrowthSpec.Epoch(1),
                        new GrowthSpec.Widen(List.of(
                                new GrowthSpec.Width("conv1", GrowthSpec.Option.WIDTH, 32),
                                new GrowthSpec.Width("conv2", GrowthSpec.Option.WIDTH, 64)))),
                GrowthSpec.parse("1:widen conv1=32,conv2=64"));
        assertEquals(
                GrowthSpec.parse("1:widen conv1=32,conv2=64"), GrowthSpec.parse("epoch1 : widen conv1=32 conv2=64"));
        assertEquals(
                new GrowthSpec(
                        new GrowthSpec.Step(500),
                        new GrowthSpec.Widen(List.of(
                                new GrowthSpec.Width("wte", GrowthSpec.Option.WIDTH, 128),
                                new GrowthSpec.Width("h0_attn", GrowthSpec.Option.HEADS, 8),
                                new GrowthSpec.Width("h1_attn", GrowthSpec.Option.HEAD_DIM, 32),
                                new GrowthSpec.Width("h0_fc", GrowthSpec.Option.WIDTH, 512)))),
                GrowthSpec.parse("step500:widen wte=128 h0_attn.heads=8 h1_attn.head-dim=32 h0_fc=512"));
        assertEquals(
                new GrowthSpec(new GrowthSpec.Epoch(3), new GrowthSpec.Deepen("relu2", false, 3, null, null)),
                GrowthSpec.parse("epoch3:deepen after=relu2"));
        GrowthSpec.Deepen d =
                (GrowthSpec.Deepen) GrowthSpec.parse("2:deepen after=res1 residual kernel=5 no-batchnorm name=extra")
                        .transform();
        assertEquals(new GrowthSpec.Deepen("res1", true, 5, false, "extra"), d);
        assertFalse(d.withBatchnorm());
        assertTrue(((GrowthSpec.Deepen)
                        GrowthSpec.parse("2:deepen after=res1 residual").transform())
                .withBatchnorm());
    }

    @Test
    void pointsMatchTheirOwnBoundaryOnly() {
        GrowthSpec.At epoch = GrowthSpec.parse("2:widen fc1=9").at();
        assertTrue(epoch.matches(new GrowthListener.Point(40, 2, true)));
        assertFalse(epoch.matches(new GrowthListener.Point(40, 2, false)), "the last step's boundary is not the end");
        assertFalse(epoch.matches(new GrowthListener.Point(60, 3, true)));
        GrowthSpec.At step = GrowthSpec.parse("step40:widen fc1=9").at();
        assertTrue(step.matches(new GrowthListener.Point(40, 1, false)));
        assertTrue(step.matches(new GrowthListener.Point(40, 2, true)));
        assertFalse(step.matches(new GrowthListener.Point(41, 2, false)));
        assertEquals(40, epoch.steps(20));
        assertEquals(40, step.steps(7));
    }

    @Test
    void badInputGetsOneLineNamingTheProblemAndTheFix() {
        refused("", "empty");
        refused("widen fc1=9", "no ':'");
        refused("0:widen fc1=9", "start of the run");
        refused("step0:widen fc1=9", "start of the run");
        refused("epochs2:widen fc1=9", "neither an epoch");
        refused("-1:widen fc1=9", "neither an epoch");
        refused("99999999999:widen fc1=9", "beyond any run");
        refused("1:", "transform is missing");
        refused("1:grow fc1=9", "unknown transform 'grow'; use widen or deepen");
        refused("1:widen", "names no layer");
        refused("1:widen fc1", "is not LAYER=WIDTH");
        refused("1:widen fc1=0", "positive integer");
        refused("1:widen fc1=-3", "positive integer");
        refused("1:widen fc1=x", "positive integer");
        refused("1:widen fc1=9999999999", "positive integer");
        refused("1:widen fc1.units=9", "is not LAYER=WIDTH");
        refused("1:widen fc1=9,fc1=10", "named twice");
        refused("1:deepen relu2", "unknown deepen setting 'relu2'");
        refused("1:deepen", "needs after=LAYER");
        refused("1:deepen after=", "not a layer name");
        refused("1:deepen after=relu2 after=relu1", "given twice");
        refused("1:deepen after=relu2 batchnorm no-batchnorm", "given twice");
        refused("1:deepen after=relu2 residual=yes", "takes no value");
        refused("1:deepen after=relu2 kernel", "needs a value");
        refused("1:deepen after=relu2 kernel=4", "odd kernel");
        refused("1:deepen after=relu2 depth=2", "unknown deepen setting");
    }

    static void refused(String text, String problem) {
        Net2NetException e = assertThrows(Net2NetException.class, () -> GrowthSpec.parse(text), text);
        assertTrue(e.getMessage().contains(problem), () -> text + ": " + e.getMessage());
        assertTrue(e.getMessage().startsWith("--grow \"" + text + "\": "), e.getMessage());
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
    }

    /** Every spec prints as text that parses back to it. */
    @Property(tries = 300)
    void printsAsTextThatParsesBackToIt(@ForAll("specs") GrowthSpec spec) {
        assertEquals(spec, GrowthSpec.parse(spec.toString()));
    }

    @Provide
    Arbitrary<GrowthSpec> specs() {
        Arbitrary<GrowthSpec.At> at = Arbitraries.oneOf(
                Arbitraries.integers().between(1, 1000).map(GrowthSpec.Epoch::new),
                Arbitraries.longs().between(1, 1_000_000_000_000L).map(GrowthSpec.Step::new));
        Arbitrary<String> names = Arbitraries.strings()
                .withCharRange('a', 'z')
                .ofMinLength(1)
                .ofMaxLength(6)
                .flatMap(s -> Arbitraries.integers().between(0, 9).map(i -> s + i));
        Arbitrary<GrowthSpec.Width> width = Combinators.combine(
                        names,
                        Arbitraries.of(GrowthSpec.Option.class),
                        Arbitraries.integers().between(1, 100_000))
                .as(GrowthSpec.Width::new);
        Arbitrary<GrowthSpec.Transform> widen = width.list()
                .ofMinSize(1)
                .ofMaxSize(4)
                .uniqueElements(GrowthSpec.Width::layer)
                .map(l -> new GrowthSpec.Widen(new ArrayList<>(l)));
        Arbitrary<GrowthSpec.Transform> deepen = Combinators.combine(
                        names,
                        Arbitraries.of(true, false),
                        Arbitraries.of(1, 3, 5, 7),
                        Arbitraries.of(true, false).injectNull(0.4),
                        names.injectNull(0.5))
                .as(GrowthSpec.Deepen::new);
        return Combinators.combine(at, Arbitraries.oneOf(widen, deepen)).as(GrowthSpec::new);
    }
}
