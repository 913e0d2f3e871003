package net2net.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import java.nio.file.Path;
import net2net.Net2NetException;
import net2net.nn.Devices;
import net2net.testing.Fast;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** --device on train, evaluate, bench and replicate; this machine (and CI) has no usable GPU. */
@Fast
class DeviceOptionTest {
    @Test
    void parsesCpuGpuAndGpuN() {
        assertEquals(Device.cpu(), Devices.parse("cpu"));
        assertEquals(Device.gpu(0), Devices.parse("gpu"));
        assertEquals(Device.gpu(3), Devices.parse("gpu:3"));
        for (String bad : new String[] {"GPU", "gpu:", "gpu:-1", "cuda", "gpu:1:2", ""}) {
            Net2NetException e = assertThrows(Net2NetException.class, () -> Devices.parse(bad), bad);
            assertTrue(e.getMessage().contains("cpu, gpu (the first GPU) or gpu:N"), e.getMessage());
        }
        assertEquals("gpu:2", Devices.name(Devices.parse("gpu:2")));
    }

    @Test
    void cpuIsWhereArraysGo() {
        Devices.use(Device.cpu());
        assertEquals(Device.cpu(), Engine.getInstance().defaultDevice());
        try (NDManager m = NDManager.newBaseManager()) {
            assertEquals(Device.cpu(), m.create(new float[] {1, 2}).getDevice());
        }
    }

    @Test
    void gpuWithoutOneIsOneLineAndExitTwo(@TempDir Path tmp) {
        // The jar's libtorch is the CPU build: no GPU is usable even on a machine that has one.
        Assumptions.assumeTrue(Engine.getInstance().getGpuCount() == 0, "this machine has a usable GPU");
        String model = tmp.resolve("m").toString();
        assertEquals(0, CliRun.of("init", "--arch", "mlp-seed", "--out", model).code());
        String[][] commands = {
            {"evaluate", "--model", model, "--data", "seed", "--device", "gpu"},
            {
                "train",
                "--model",
                model,
                "--data",
                "seed",
                "--out",
                tmp.resolve("t").toString(),
                "--device",
                "gpu:1"
            },
            {"bench", "--quick", "--device", "gpu"},
            {"replicate", "--out", tmp.resolve("r").toString(), "--device", "gpu"}
        };
        for (String[] args : commands) {
            CliRun r = CliRun.of(args);
            assertEquals(2, r.code(), String.join(" ", args) + "\n" + r.err());
            assertEquals(1, r.err().strip().lines().count(), r.err());
            assertTrue(r.err().contains("no usable GPU") && r.err().contains("--device cpu"), r.err());
        }
        assertEquals(Device.cpu(), Engine.getInstance().defaultDevice(), "a refused GPU leaves the CPU in place");
        CliRun bad = CliRun.of("evaluate", "--model", model, "--data", "seed", "--device", "tpu");
        assertEquals(2, bad.code());
        assertTrue(bad.err().contains("--device 'tpu' is not a device"), bad.err());
        CliRun cpu = CliRun.of("evaluate", "--model", model, "--data", "seed", "--device", "cpu");
        assertEquals(0, cpu.code(), cpu.err());
        assertEquals(
                CliRun.of("evaluate", "--model", model, "--data", "seed").out(),
                cpu.out(),
                "--device cpu is the default");
    }
}
