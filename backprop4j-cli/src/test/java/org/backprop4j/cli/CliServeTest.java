package org.backprop4j.cli;

import static org.backprop4j.cli.CliTest.run;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The serve command's errors: one line, exit code 2 (the server itself: PredictionServerTest). */
class CliServeTest {
    @TempDir
    Path dir;

    @Test
    void badPortsAndFilesGiveOneLineAndExitCode2() throws Exception {
        Path model = dir.resolve("m.json"), train = dir.resolve("t.csv");
        Files.writeString(train, "size,label\n1,a\n2,b\n1.5,a\n2.5,b\n");
        assertEquals(0, run("train", train.toString(), "-o", model.toString(), "--epochs", "2", "--quiet").code());
        CliTest.Result r = run("serve", model.toString(), "--port", "70000");
        assertEquals(2, r.code());
        assertEquals("backprop4j: --port must be between 0 and 65535, not 70000", r.err().strip());
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            CliTest.Result busy = run("serve", model.toString(), "--port", Integer.toString(taken.getLocalPort()));
            assertEquals(2, busy.code());
            assertEquals(1, busy.err().strip().lines().count(), busy.err());
            assertEquals(true, busy.err().startsWith("backprop4j: cannot listen on 127.0.0.1:" + taken.getLocalPort()), busy.err());
        }
        CliTest.Result missing = run("serve", dir.resolve("nope.json").toString(), "--port", "0");
        assertEquals(2, missing.code());
        assertEquals("backprop4j: no such file: " + dir.resolve("nope.json"), missing.err().strip());
    }
}
