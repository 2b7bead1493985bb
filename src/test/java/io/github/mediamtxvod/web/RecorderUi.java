package io.github.mediamtxvod.web;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.logging.Level;
import java.util.regex.Pattern;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Drives the recorder's web UI the way a person does: dashboard, stream, day, session, play. Knows
 * nothing about how the recording was made, so any test with a served session can use it.
 */
final class RecorderUi {
    private static final Duration WAIT = Duration.ofSeconds(30);

    private final WebDriver driver;
    private final String baseUrl;
    private final WebDriverWait wait;

    RecorderUi(WebDriver driver, String baseUrl) {
        this.driver = driver;
        this.baseUrl = baseUrl;
        this.wait = new WebDriverWait(driver, WAIT);
    }

    /** Opens the dashboard and waits for the first status to be shown. */
    RecorderUi openDashboard() {
        driver.get(baseUrl + "/#/");
        wait.until(ExpectedConditions.textMatches(By.id("refreshed"), Pattern.compile("Updated")));
        return this;
    }

    /** The text of the "Recording now" part of the dashboard. */
    String recordingNowText() {
        return driver.findElement(By.id("recording")).getText();
    }

    /** From the recordings browser's stream list, opens a stream's day list. */
    RecorderUi openStream(String stream) {
        driver.get(baseUrl + "/#/recordings");
        WebElement link = wait.until(ExpectedConditions.elementToBeClickable(
                By.xpath("//a[contains(@class,'stream-link') and normalize-space(.)=" + xpathLiteral(stream) + "]")));
        link.click();
        wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("a.day-link")));
        return this;
    }

    /** Opens a day (YYYY-MM-DD) of the open stream. */
    RecorderUi openDay(String day) {
        wait.until(ExpectedConditions.elementToBeClickable(By.linkText(day))).click();
        wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("a.session-link")));
        return this;
    }

    /** Opens the session whose start is shown as {@code shownStart} (e.g. "2024-05-01 10:00:00 UTC"). */
    RecorderUi openSession(String shownStart) {
        wait.until(ExpectedConditions.elementToBeClickable(By.linkText(shownStart))).click();
        wait.until(ExpectedConditions.presenceOfElementLocated(By.id("player")));
        wait.until(ExpectedConditions.textMatches(By.id("player-state"),
                Pattern.compile("Ready|Loading|All segments|Every finished segment")));
        return this;
    }

    /** Waits until the open session lists {@code count} segments, in its table and in its player. */
    RecorderUi awaitSegmentRows(int count) {
        wait.until(d -> d.findElements(By.cssSelector(".segments-table tbody tr")).size() == count
                && Long.valueOf(count).equals(js().executeScript("const p = document.getElementById('player');"
                        + " return p && p.sessionPlayer ? p.sessionPlayer.segments.length : -1;")));
        return this;
    }

    /** Starts playback as a click on play would. */
    RecorderUi play() {
        js().executeAsyncScript(
                "const done = arguments[arguments.length - 1];"
                        + "document.getElementById('player').play().then(() => done(true), e => done(String(e)));");
        return this;
    }

    RecorderUi pause() {
        js().executeScript("document.getElementById('player').pause();");
        return this;
    }

    /** Clicks "Play from here" on a segment's row. */
    RecorderUi playFromSegment(int index) {
        driver.findElement(By.cssSelector("button.play-from[data-index='" + index + "']")).click();
        return this;
    }

    /**
     * Clicks the session timeline at {@code fraction} (0..1) of its width, as a person seeking by
     * time does.
     */
    RecorderUi clickTimelineAt(double fraction) {
        WebElement timeline = driver.findElement(By.id("timeline"));
        int width = timeline.getSize().getWidth();
        new Actions(driver).moveToElement(timeline, (int) Math.round((fraction - 0.5) * width), 0).click().perform();
        return this;
    }

    /** Drops every loaded frame from the player, so the next seek must fetch segments again. */
    RecorderUi dropLoadedMedia() {
        js().executeAsyncScript(
                "const done = arguments[arguments.length - 1];"
                        + "document.getElementById('player').sessionPlayer.remove(0, Infinity)"
                        + ".then(() => done(true), e => done(String(e)));");
        return this;
    }

    double currentTime() {
        return ((Number) js().executeScript("return document.getElementById('player').currentTime;")).doubleValue();
    }

    /** Waits until the video's currentTime reaches {@code seconds}; returns the time seen. */
    double awaitCurrentTime(double seconds) {
        wait.until(d -> currentTime() >= seconds);
        return currentTime();
    }

    /** Waits until the video's currentTime is below {@code seconds} (after a seek back). */
    double awaitCurrentTimeBelow(double seconds) {
        wait.until(d -> currentTime() < seconds);
        return currentTime();
    }

    /** The href of a link of the session page's "Download a range" form ({@code range-mp4}, {@code range-fmp4}). */
    String rangeLink(String id) {
        return driver.findElement(By.id(id)).getAttribute("href");
    }

    /** Sets the range form's start and duration as a person types them. */
    RecorderUi typeRange(String start, String seconds) {
        WebElement from = driver.findElement(By.id("range-start"));
        from.clear();
        from.sendKeys(start);
        WebElement duration = driver.findElement(By.id("range-duration"));
        duration.clear();
        duration.sendKeys(seconds);
        return this;
    }

    /** Adds a muted {@code <video id=id>} playing {@code url} to the page, as a page embedding it would. */
    RecorderUi playInNewVideo(String id, String url) {
        Object started = js().executeAsyncScript("const done = arguments[arguments.length - 1];"
                + "const video = document.createElement('video'); video.id = arguments[0]; video.muted = true;"
                + "video.src = arguments[1]; document.body.append(video);"
                + "video.play().then(() => done(true), e => done(String(e)));", id, url);
        if (!Boolean.TRUE.equals(started)) {
            throw new AssertionError("video " + url + " did not start: " + started);
        }
        return this;
    }

    /** Waits until the video {@code id} has played to {@code seconds}; returns the time seen. */
    double awaitVideoTime(String id, double seconds) {
        wait.until(d -> videoTime(id) >= seconds);
        return videoTime(id);
    }

    /** The media error of the video {@code id}, or null. */
    String videoError(String id) {
        Object error = js().executeScript("const e = document.getElementById(arguments[0]).error;"
                + "return e ? e.code + ' ' + e.message : null;", id);
        return error == null ? null : error.toString();
    }

    private double videoTime(String id) {
        return ((Number) js().executeScript("return document.getElementById(arguments[0]).currentTime;", id))
                .doubleValue();
    }

    String playerState() {
        return driver.findElement(By.id("player-state")).getText();
    }

    /** Console messages at SEVERE level since the last call: script errors, CSP violations, 4xx/5xx loads. */
    List<String> consoleErrors() {
        return driver.manage().logs().get(LogType.BROWSER).getAll().stream()
                .filter(entry -> entry.getLevel().intValue() >= Level.SEVERE.intValue())
                .map(LogEntry::getMessage)
                .toList();
    }

    /** Saves a PNG of the window. */
    Path screenshot(Path file) throws IOException {
        Files.createDirectories(file.getParent());
        Path taken = ((TakesScreenshot) driver).getScreenshotAs(OutputType.FILE).toPath();
        return Files.copy(taken, file, StandardCopyOption.REPLACE_EXISTING);
    }

    private JavascriptExecutor js() {
        return (JavascriptExecutor) driver;
    }

    private static String xpathLiteral(String text) {
        return text.contains("'") ? "\"" + text + "\"" : "'" + text + "'";
    }
}
