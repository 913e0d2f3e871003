package net2net.transform;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net2net.nn.Initialization;
import net2net.nn.Network;
import net2net.nn.Step;
import net2net.spec.Presets;
import net2net.testing.Fast;
import org.junit.jupiter.api.Test;

/**
 * Regression guard for refactorings of the transforms: the SHA-256 of every weight (names, then
 * bytes, in state_dict order) of the README's chains and of widenings with each noise kind on
 * dense, conv, flatten and residual consumers, compared with the hashes the code gave when this
 * test was written. A refactoring that changes one bit of one student fails here.
 */
@Fast
class StudentHashesTest {

    private static final Map<String, String> EXPECTED = new LinkedHashMap<>();

    static {
        // recorded on commit 0e4121d, before the Net2WiderNet / kernel split
        EXPECTED.put("chain/teacher", "4f8176334c21d8adc3284091596ad78a17d9ef70b1a020b96ad028b5ac233b87");
        EXPECTED.put("chain/wide", "1b77e2663e1c651b7e0babc0de107590a9933bdeabc6f46b58a77aa529b461c6");
        EXPECTED.put("chain/wider", "fef9b3a59efeef6168a08bb88d95083099b290f52022602a4638c8a8f5a04b8d");
        EXPECTED.put("chain/student", "c77ea30fd686eb524cbcdccc6fff2bcb2b8987600912a62cf8037cf3f56dc8d7");
        EXPECTED.put("pad/fc1", "d7279d4b2aa70c711e929cb6fbae9122e452e8aa88eb67a743b08a787e452ec0");
        EXPECTED.put("none/conv2", "73cf52ee169209fb728a73294d2c12b18ca54528a91731b385394da690dd961f");
        EXPECTED.put("none/conv1", "cda175d9d646de00d0a26991e5dd67ac8427d71c99bf924e428c3b5ea68420e1");
        EXPECTED.put("none/fc1", "dc6376767414cfa45d811f1293891adc725d78b420adc0c15938d8a19fa4ed83");
        EXPECTED.put("none/conv2/float64", "c41c1492f9ffb1c6eeb0a5333c1b1bc39894ee340b644d63e6ff1725d2a52b52");
        EXPECTED.put("exact/conv2", "bf64553d77e81f558286086f587675f997ebfc24f8176aab32b64428e8c5de9a");
        EXPECTED.put("exact/conv1", "b1e8095d206055bc2705eeb3451ec29cd4cb1bf225f6cc4fde3efde1ef80e283");
        EXPECTED.put("exact/fc1", "153747b1e0318aed4741c20747a00d3b3e6eaf458263f9d264c89a643a6ae1e7");
        EXPECTED.put("exact/conv2/float64", "112ff98c554cc8dcac6956e69e78f7e718135b8217cc9b09c276eff985c30671");
        EXPECTED.put("paper/conv2", "08f91b0a6606a5168ac64b7282ee916b1158285987fc565b9ac95f2df5cec665");
        EXPECTED.put("paper/conv1", "ac45ebac5644c5449f5b72c973d384b8375cf31dd4f3549b3d618a0b9bdaf10d");
        EXPECTED.put("paper/fc1", "f474a36f68cbbefe5d91bcd8114a6151278ef8d6fb60a90a0b2fbd453e98092c");
        EXPECTED.put("paper/conv2/float64", "d91819d2386468c163f6f41e9e1cead939774c0e53787067fbf5fd290308cfb7");
        EXPECTED.put("residual/teacher", "38cc5c8f19789b85fdb06733457dd269aba26e58b3cc7ec4c2f2c07bfe5b2640");
        EXPECTED.put("residual/r1", "3e4137a139adaded73cc1584835b8f022ed1e795cab3f3e93f3a78ace4efc400");
        EXPECTED.put("residual/r2", "8159357db5fa007ff71727c113b941056911fb64152f5fbe8d852d0271e0fa4d");
        EXPECTED.put("residual/student", "351c238b6f92ce96dbe04f079aef0f08867dedc51571c24510d94cee91b1c665");
        EXPECTED.put("none/residual", "834857a1d5bb812a655f2c7a4ab9e53028a213f309861748c5391a11bda82903");
        EXPECTED.put("exact/residual", "549498710b89a6888ffe6fb707605fb0aa016af1526289a563ebb1f6b990c4d7");
        EXPECTED.put("paper/residual", "5d02695b9a2ecefee8ba6053bcd069c6a196a939f5d8afc71c80a3b18b97ffe8");
    }

    @Test
    void studentsAreBitIdenticalToTheRecordedOnes() {
        Map<String, String> actual = computed();
        List<String> changed = new ArrayList<>();
        actual.forEach((k, v) -> {
            if (!v.equals(EXPECTED.get(k))) {
                changed.add(k + " = " + v);
            }
        });
        assertEquals(EXPECTED.keySet(), actual.keySet());
        assertEquals(List.of(), changed, "students whose weights changed (name = new hash)");
    }

    static Map<String, String> computed() {
        Map<String, String> hashes = new LinkedHashMap<>();
        Net2WiderNet.Options exact = Net2WiderNet.Options.defaults(0);
        // The issue-2 chain of the README's tour.
        try (Network teacher = Initialization.random(
                        Presets.get("fashionnet", Presets.PAPER_TEACHER_WIDTH), 0, Step.Init.seeded(0));
                Network wide = Net2WiderNet.widen(teacher, ordered("conv1", 32, "conv2", 64), exact);
                Network wider = Net2WiderNet.widen(wide, "fc1", 128, exact);
                NDManager m = NDManager.newBaseManager()) {
            NDArray stats = Verification.randomInputs(m, wider.architecture().input(), 64, 1);
            try (Network student =
                            Net2DeeperNet.deepen(wider, "relu1", new Net2DeeperNet.Options(3, true, stats, null));
                    Network padded = RandomPad.pad(teacher, "fc1", 128, 0)) {
                hashes.put("chain/teacher", hash(teacher));
                hashes.put("chain/wide", hash(wide));
                hashes.put("chain/wider", hash(wider));
                hashes.put("chain/student", hash(student));
                hashes.put("pad/fc1", hash(padded));
            }
            for (Noise noise : Noise.values()) {
                Net2WiderNet.Options o = new Net2WiderNet.Options(noise, Net2WiderNet.DEFAULT_NOISE_SCALE, 7);
                // fc1 -> fc2: dense consumer; conv1 -> conv2: conv consumer; conv2 -> fc1: flatten consumer
                for (Map.Entry<String, Integer> e :
                        Map.of("fc1", 100, "conv1", 30, "conv2", 50).entrySet()) {
                    try (Network s = Net2WiderNet.widen(teacher, e.getKey(), e.getValue(), o)) {
                        hashes.put(noise.key() + "/" + e.getKey(), hash(s));
                    }
                }
                try (Network t64 = teacher.copy(DataType.FLOAT64);
                        Network s = Net2WiderNet.widen(t64, "conv2", 50, o)) {
                    hashes.put(noise.key() + "/conv2/float64", hash(s));
                }
            }
        }
        // The residual chain of the README's tour.
        try (Network teacher = Initialization.random(
                        Presets.get("fashionresnet", Presets.PAPER_TEACHER_WIDTH), 0, Step.Init.seeded(0));
                Network r1 = Net2WiderNet.widen(teacher, "conv1", 32, exact);
                Network r2 = Net2WiderNet.widen(r1, "res2_conv2", 64, exact);
                Network student = Net2DeeperNet.deepen(r2, "res1", Net2DeeperNet.Options.residual(3, true, null, 0))) {
            hashes.put("residual/teacher", hash(teacher));
            hashes.put("residual/r1", hash(r1));
            hashes.put("residual/r2", hash(r2));
            hashes.put("residual/student", hash(student));
            for (Noise noise : Noise.values()) {
                Net2WiderNet.Options o = new Net2WiderNet.Options(noise, Net2WiderNet.DEFAULT_NOISE_SCALE, 7);
                try (Network s = Net2WiderNet.widen(teacher, "res1_conv2", 30, o)) {
                    hashes.put(noise.key() + "/residual", hash(s));
                }
            }
        }
        return hashes;
    }

    private static Map<String, Integer> ordered(String a, int wa, String b, int wb) {
        Map<String, Integer> m = new LinkedHashMap<>();
        m.put(a, wa);
        m.put(b, wb);
        return m;
    }

    static String hash(Network n) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            for (Map.Entry<String, NDArray> e : n.weights().entrySet()) {
                sha.update(e.getKey().getBytes(StandardCharsets.UTF_8));
                sha.update(e.getValue().getDataType().name().getBytes(StandardCharsets.UTF_8));
                sha.update(e.getValue().toByteArray());
            }
            return HexFormat.of().formatHex(sha.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
