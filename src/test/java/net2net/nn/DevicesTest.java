package net2net.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.Device;
import ai.djl.engine.Engine;
import net2net.testing.Fast;
import org.junit.jupiter.api.Test;

/** DJL 0.36 has no setter for the default device: the reflective one must keep working (a DJL upgrade may break it). */
@Fast
class DevicesTest {
    @Test
    void setsDjlsDefaultDevice() {
        Engine engine = Engine.getInstance();
        Device before = engine.defaultDevice();
        try {
            Devices.setDefault(engine, Device.gpu(1)); // only the setting: no array is made on it
            assertEquals(Device.gpu(1), engine.defaultDevice());
        } finally {
            Devices.setDefault(engine, before);
        }
        assertEquals(before, engine.defaultDevice());
    }
}
