package io.github.mediamtxvod.web;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * Starts the machine's Chromium through its chromedriver, both given by path, so Selenium Manager
 * never looks for (or downloads) a browser or driver. Paths come from the system properties {@code
 * chromium.binary} and {@code webdriver.chrome.driver}, defaulting to Debian's packages.
 */
public final class HeadlessChromium {
    static final String BINARY = System.getProperty("chromium.binary", "/usr/bin/chromium");
    static final String DRIVER = System.getProperty("webdriver.chrome.driver", "/usr/bin/chromedriver");

    private HeadlessChromium() {}

    /** Whether both executables exist here. */
    public static boolean available() {
        return new File(BINARY).canExecute() && new File(DRIVER).canExecute();
    }

    /** A fresh browser with its own profile under {@code workDir}; the caller quits it. */
    public static ChromeDriver start(Path workDir) throws IOException {
        System.setProperty("webdriver.chrome.driver", DRIVER);
        Path profile = Files.createTempDirectory(Files.createDirectories(workDir), "chromium-profile-");
        ChromeOptions options = new ChromeOptions();
        options.setBinary(BINARY);
        options.addArguments(
                "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update", "--no-first-run",
                "--user-data-dir=" + profile.toAbsolutePath(), "--window-size=1280,1000",
                "--autoplay-policy=no-user-gesture-required", "--mute-audio");
        // keep the console, so tests can see script errors and CSP violations
        options.setCapability("goog:loggingPrefs", Map.of("browser", "ALL"));
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File(DRIVER))
                .usingAnyFreePort()
                .build();
        return new ChromeDriver(service, options);
    }
}
