package org.backprop4j.studio;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** `backprop4j studio` opens the user's browser on a desktop, and only prints the address elsewhere. */
class StudioCommandTest {
    @Test
    void opensTheBrowserOnADesktopOnly() {
        assertTrue(StudioCommand.opensByDefault(Map.of("DISPLAY", ":0"), "Linux"));
        assertTrue(StudioCommand.opensByDefault(Map.of("WAYLAND_DISPLAY", "wayland-0"), "Linux"));
        assertTrue(StudioCommand.opensByDefault(Map.of(), "Mac OS X"));
        assertTrue(StudioCommand.opensByDefault(Map.of(), "Windows 11"));
        assertFalse(StudioCommand.opensByDefault(Map.of(), "Linux"), "no display: a server");
        assertFalse(StudioCommand.opensByDefault(Map.of("DISPLAY", " "), "Linux"));
        assertFalse(StudioCommand.opensByDefault(Map.of("DISPLAY", ":0", "SSH_CONNECTION", "10.0.0.1 22 10.0.0.2 5000"), "Linux"), "over SSH");
        assertFalse(StudioCommand.opensByDefault(Map.of("CI", "true"), "Mac OS X"), "in CI");
    }
}
