package net2net.experiment;

import java.util.Locale;
import net2net.Net2NetException;
import net2net.train.Schedule;

/**
 * How much compute a replication spends. Teachers train at {@code teacherLr} with
 * {@code teacherSchedule}; Net2Net and random-pad students at {@code studentLr} (a tenth of the
 * teacher's initial rate, as in the paper) with no schedule; random-init students with the
 * teacher's rate and schedule.
 *
 * @param trainLimit class-balanced training subset (0: all 60,000 images)
 * @param testLimit  class-balanced test subset (0: all 10,000 images)
 * @param evalEvery  extra evaluations every N batches in a student's first epoch
 * @param seedEpochs epochs of the seed experiment's teacher and students
 * @param residualTrainLimit class-balanced subset of the training subset for the residual
 *                   experiments (fashionresnet costs about four fashionnets per image); 0: the same
 * @param residualTestLimit the same for the test subset
 */
public record Profile(String name, int trainLimit, int testLimit, int teacherEpochs, int studentEpochs,
                      double teacherLr, Schedule teacherSchedule, double studentLr, int batch, int evalEvery,
                      int seedEpochs, int residualTrainLimit, int residualTestLimit) {

    public static Profile named(String name) {
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "quick" -> new Profile("quick", 6000, 2000, 3, 2, 0.05, Schedule.COSINE, 0.005, 128, 8, 30, 1500, 500);
            case "full" -> new Profile("full", 0, 0, 10, 10, 0.05, Schedule.COSINE, 0.005, 128, 40, 30, 20000, 0);
            case "tiny" -> new Profile("tiny", 600, 300, 1, 1, 0.05, Schedule.COSINE, 0.005, 64, 3, 3, 300, 150);
            default -> throw new Net2NetException("unknown profile '" + name + "'; use quick or full");
        };
    }

    public Profile withLearningRates(Double teacher, Double student) {
        return new Profile(name, trainLimit, testLimit, teacherEpochs, studentEpochs,
                teacher == null ? teacherLr : teacher, teacherSchedule,
                student == null ? (teacher == null ? studentLr : teacher / 10) : student, batch, evalEvery, seedEpochs,
                residualTrainLimit, residualTestLimit);
    }

    public String describe() {
        return String.format(Locale.ROOT, "%s: %s training images, %s test images, teacher %d epochs at lr %s (%s), "
                        + "students %d epochs (Net2Net and random pad at lr %s, random init at the teacher's lr and schedule), batch %d; "
                        + "residual experiments on %s training and %s test images",
                name, trainLimit == 0 ? "all 60,000" : String.format("%,d", trainLimit),
                testLimit == 0 ? "all 10,000" : String.format("%,d", testLimit), teacherEpochs, teacherLr,
                teacherSchedule.key(), studentEpochs, studentLr, batch,
                residualTrainLimit == 0 ? "the same" : String.format("%,d", residualTrainLimit),
                residualTestLimit == 0 ? "the same" : String.format("%,d", residualTestLimit));
    }
}
