package net2net.train;

import java.io.PrintStream;
import java.util.Locale;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;

/** Shows training progress. Always on stderr: stdout carries results only. */
public interface Progress {
    void startEpoch(int epoch, int epochs, int batches);

    /** {@code done} batches of the epoch finished; {@code meanLoss} is the epoch's mean batch loss so far. */
    void batch(int done, double meanLoss);

    void endEpoch();

    /** Shows nothing (tests, library use). */
    static Progress none() {
        return new Progress() {
            public void startEpoch(int epoch, int epochs, int batches) {}

            public void batch(int done, double meanLoss) {}

            public void endEpoch() {}
        };
    }

    /** A live bar on a terminal, otherwise a plain line every 10 s and at the end of each epoch. */
    static Progress console(PrintStream err) {
        return System.console() != null ? new Bar(err) : new Lines(err, 10_000);
    }

    /** A progress bar with batches, loss and ETA. */
    final class Bar implements Progress {
        private final PrintStream err;
        private ProgressBar bar;

        Bar(PrintStream err) {
            this.err = err;
        }

        public void startEpoch(int epoch, int epochs, int batches) {
            bar = new ProgressBarBuilder()
                    .setTaskName("epoch " + (epoch + 1) + "/" + epochs)
                    .setInitialMax(batches)
                    .setConsumer(new ConsoleProgressBarConsumer(err))
                    .setUpdateIntervalMillis(250)
                    .build();
        }

        public void batch(int done, double meanLoss) {
            bar.stepTo(done);
            bar.setExtraMessage(String.format(Locale.ROOT, "loss %.4f", meanLoss));
        }

        public void endEpoch() {
            bar.close();
        }
    }

    /** Plain lines such as "epoch 2/5 batch 300/469 loss 0.4123 12.3 s", for logs and pipes. */
    final class Lines implements Progress {
        private final PrintStream err;
        private final long intervalMillis;
        private int epoch;
        private int epochs;
        private int batches;
        private int done;
        private double loss;
        private long start;
        private long last;

        Lines(PrintStream err, long intervalMillis) {
            this.err = err;
            this.intervalMillis = intervalMillis;
        }

        public void startEpoch(int epoch, int epochs, int batches) {
            this.epoch = epoch;
            this.epochs = epochs;
            this.batches = batches;
            start = last = System.currentTimeMillis();
        }

        public void batch(int done, double meanLoss) {
            this.done = done;
            this.loss = meanLoss;
            long now = System.currentTimeMillis();
            if (now - last >= intervalMillis) {
                last = now;
                print(now);
            }
        }

        public void endEpoch() {
            print(System.currentTimeMillis());
        }

        private void print(long now) {
            err.println(String.format(
                    Locale.ROOT,
                    "epoch %d/%d batch %d/%d loss %.4f %.1f s",
                    epoch + 1,
                    epochs,
                    done,
                    batches,
                    loss,
                    (now - start) / 1000.0));
            err.flush();
        }
    }
}
