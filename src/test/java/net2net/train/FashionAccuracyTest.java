package net2net.train;

import static org.junit.jupiter.api.Assertions.assertTrue;

import net2net.data.FashionMnist;
import net2net.data.Splits;
import net2net.data.Subsets;
import net2net.nn.Initialization;
import net2net.nn.Network;
import net2net.nn.Step;
import net2net.spec.Presets;
import net2net.testing.RealData;
import net2net.testing.Slow;
import org.junit.jupiter.api.Test;

/** The trainer really learns: one epoch on 10,000 Fashion-MNIST images gives a usable classifier. */
@Slow
@RealData
class FashionAccuracyTest {
    @Test
    void oneEpochOnTenThousandImagesReachesEightyPercent() {
        Splits full = FashionMnist.load(null);
        Splits data = new Splits(Subsets.limit(full.train(), 10_000, 0), full.test());
        TrainConfig config = new TrainConfig(1, 0.02, 0.9, 5e-4, 32, Schedule.COSINE, 0, 0);
        try (Network net = Initialization.random(Presets.get("fashionnet", 1.0), 0, Step.Init.seeded(0))) {
            Trainer.Result r = Trainer.train(net, data, config, Trainer.Options.quiet());
            r.network().close();
            EpochMetrics m = r.last();
            System.out.printf(
                    "fashionnet, 1 epoch on 10,000 images: test accuracy %.4f, %.1f s training, %.1f s evaluation%n",
                    m.testAccuracy(), r.seconds(), r.evalSeconds());
            assertTrue(m.testAccuracy() >= 0.80, "test accuracy " + m.testAccuracy());
        }
    }
}
