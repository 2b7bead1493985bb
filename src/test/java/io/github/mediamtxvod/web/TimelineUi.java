package io.github.mediamtxvod.web;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Drives the timeline page as a person does: opens it, jumps to a time, zooms, clicks, drags and
 * hovers on a stream's bar at a given instant, and reads back what it shows (the spans, the
 * player's video time and the wall clock it maps to). Instants are turned into pixels from the
 * bar's own window (its data attributes), so tests name times, not coordinates.
 */
final class TimelineUi {
    private static final Duration WAIT = Duration.ofSeconds(45);

    private final WebDriver driver;
    private final String baseUrl;
    private final WebDriverWait wait;

    TimelineUi(WebDriver driver, String baseUrl) {
        this.driver = driver;
        this.baseUrl = baseUrl;
        this.wait = new WebDriverWait(driver, WAIT);
    }

    /** A span as drawn: its data attributes. */
    record Span(Instant start, Instant end, String storage) {}

    /** Opens {@code #/timeline...} (the fragment after '#') and waits for the bars. */
    TimelineUi open(String fragment) {
        driver.get(baseUrl + "/#" + fragment);
        wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector(".tl-bar, #timeline-view .empty")));
        return this;
    }

    /** Clicks "Timeline" in the top bar. */
    TimelineUi openFromNavigation() {
        driver.findElement(By.cssSelector("a[data-nav='timeline-view']")).click();
        wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector(".tl-bar")));
        return this;
    }

    TimelineUi jumpTo(String text) {
        WebElement field = driver.findElement(By.id("tl-jump"));
        field.clear();
        field.sendKeys(text, Keys.ENTER);
        return this;
    }

    TimelineUi zoom(String name) {
        driver.findElement(By.cssSelector("button[data-zoom='" + name + "']")).click();
        wait.until(d -> "true".equals(d.findElement(By.cssSelector("button[data-zoom='" + name + "']"))
                .getAttribute("aria-pressed")));
        return this;
    }

    WebElement bar(String stream) {
        return wait.until(ExpectedConditions.presenceOfElementLocated(
                By.cssSelector(".tl-bar[data-stream='" + stream.replace("'", "\\'") + "']")));
    }

    /** The visible window of a stream's bar. */
    Instant windowStart(String stream) {
        return Instant.ofEpochMilli(Long.parseLong(bar(stream).getAttribute("data-window-start")));
    }

    Instant windowEnd(String stream) {
        return Instant.ofEpochMilli(Long.parseLong(bar(stream).getAttribute("data-window-end")));
    }

    /** The spans drawn on a stream's bar, in order. */
    List<Span> spans(String stream) {
        List<Span> spans = new ArrayList<>();
        for (WebElement span : bar(stream).findElements(By.cssSelector(".tl-spans .tl-span"))) {
            spans.add(new Span(Instant.parse(span.getAttribute("data-start")), Instant.parse(span.getAttribute("data-end")),
                    span.getAttribute("data-storage")));
        }
        return spans;
    }

    /** Whether the bar shows a part being recorded now. */
    boolean showsRecordingNow(String stream) {
        return !bar(stream).findElements(By.cssSelector(".tl-span.recording:not([hidden])")).isEmpty();
    }

    /** Clicks a stream's bar at an instant of its window. */
    TimelineUi clickAt(String stream, Instant at) {
        actionsAt(stream, at).click().perform();
        return this;
    }

    /** Rests the pointer on a stream's bar at an instant. */
    TimelineUi hoverAt(String stream, Instant at) {
        actionsAt(stream, at).perform();
        return this;
    }

    /** Drags on a stream's bar from one instant to another (a selection). */
    TimelineUi drag(String stream, Instant from, Instant to) {
        WebElement bar = bar(stream);
        new Actions(driver).moveToElement(bar, offset(stream, from), 0).clickAndHold()
                .moveToElement(bar, offset(stream, to), 0).release().perform();
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("tl-export")));
        return this;
    }

    private Actions actionsAt(String stream, Instant at) {
        return new Actions(driver).moveToElement(bar(stream), offset(stream, at), 0);
    }

    /** Pixels from the bar's centre to an instant (Selenium offsets are from the centre). */
    private int offset(String stream, Instant at) {
        WebElement bar = bar(stream);
        double start = windowStart(stream).toEpochMilli();
        double end = windowEnd(stream).toEpochMilli();
        double fraction = (at.toEpochMilli() - start) / (end - start);
        int width = bar.getSize().getWidth();
        return (int) Math.round((fraction - 0.5) * width);
    }

    /** The instant the last click or key put the cursor at (exact, not rounded to pixels). */
    Instant cursor(String stream) {
        return Instant.ofEpochMilli(Long.parseLong(bar(stream).getAttribute("data-cursor")));
    }

    /** Waits until the player plays (time moves) and the video has data at the playhead. */
    TimelineUi awaitPlaying() {
        double before = currentTime();
        new WebDriverWait(driver, WAIT).withMessage(this::playerDiagnosis).until(d -> {
            Object ready = js().executeScript("const v = document.getElementById('tl-video');"
                    + " return v.readyState >= 2 && !v.seeking && !v.paused;");
            return Boolean.TRUE.equals(ready) && currentTime() != before;
        });
        return this;
    }

    /** What the player shows and the video element reports, for a failure message. */
    private String playerDiagnosis() {
        return String.valueOf(js().executeScript("const v = document.getElementById('tl-video');"
                + " const b = []; for (let i = 0; i < v.buffered.length; i++) b.push(v.buffered.start(i) + '-' + v.buffered.end(i));"
                + " return 'state \"' + document.getElementById('tl-state').textContent + '\", currentTime ' + v.currentTime"
                + " + ', readyState ' + v.readyState + ', paused ' + v.paused + ', seeking ' + v.seeking"
                + " + ', buffered [' + b.join(', ') + '], error ' + (v.error ? v.error.message : 'none');"));
    }

    double currentTime() {
        return ((Number) js().executeScript("return document.getElementById('tl-video').currentTime;")).doubleValue();
    }

    /** The wall-clock instant the video shows at its current time, as the player maps it. */
    Instant wallClock() {
        Number millis = (Number) js().executeScript("const v = document.getElementById('tl-video');"
                + " return v.segmentPlayer ? v.segmentPlayer.wallAt(v.currentTime) : null;");
        return Instant.ofEpochMilli(Math.round(millis.doubleValue()));
    }

    /** Waits until the shown wall clock reaches an instant; returns it. */
    Instant awaitWallClock(Instant at) {
        wait.until(d -> !wallClock().isBefore(at));
        return wallClock();
    }

    /** Waits until the playhead's wall clock is within one GOP before and three seconds after an instant. */
    Instant awaitWallClockNear(Instant chosen, Duration gop) {
        wait.until(d -> {
            Instant shown = wallClock();
            return !shown.isBefore(chosen.minus(gop)) && !shown.isAfter(chosen.plus(gop).plusSeconds(2));
        });
        return wallClock();
    }

    void pause() {
        js().executeScript("document.getElementById('tl-video').pause();");
    }

    /** The preview image of the last hover, once it has loaded: its natural width. */
    long awaitThumbnailWidth() {
        return new WebDriverWait(driver, WAIT).withMessage(this::thumbnailDiagnosis).until(d -> (Number) js().executeScript(
                "const i = document.getElementById('tl-thumb');"
                + " const loaded = !i.hidden && i.complete && i.getAttribute('src') === i.dataset.wanted;"
                + " return loaded && i.naturalWidth > 0 ? i.naturalWidth : null;")).longValue();
    }

    /** Waits until the thumbnail the pointer asks for has failed to load (a broken image). */
    void awaitThumbnailFailed() {
        new WebDriverWait(driver, WAIT).withMessage(this::thumbnailDiagnosis).until(d -> Boolean.TRUE.equals(js().executeScript(
                "const i = document.getElementById('tl-thumb');"
                + " return i.complete && i.getAttribute('src') === i.dataset.wanted && i.naturalWidth === 0;")));
    }

    /** What the preview shows and what the server answers for the thumbnail it wants, for a failure message. */
    private String thumbnailDiagnosis() {
        return String.valueOf(js().executeAsyncScript("const done = arguments[arguments.length - 1];"
                + " const i = document.getElementById('tl-thumb');"
                + " const state = 'preview hidden ' + i.parentElement.hidden + ', image hidden ' + i.hidden + ', src ' + i.getAttribute('src')"
                + " + ', wanted ' + i.dataset.wanted + ', complete ' + i.complete + ', naturalWidth ' + i.naturalWidth;"
                + " if (!i.dataset.wanted) { done(state); return; }"
                + " fetch(i.dataset.wanted).then(r => r.text().then(t => done(state + '; the server answers ' + r.status + ' '"
                + " + (r.status === 200 ? '' : t.slice(0, 300)))), e => done(state + '; fetch failed: ' + e));"));
    }

    String exportHref() {
        return driver.findElement(By.id("tl-download")).getAttribute("href");
    }

    String playerState() {
        return driver.findElement(By.id("tl-state")).getText();
    }

    /** Focuses a stream's bar and sends keys to it. */
    TimelineUi keys(String stream, CharSequence... keys) {
        WebElement bar = bar(stream);
        new Actions(driver).moveToElement(bar).perform();
        js().executeScript("arguments[0].focus();", bar);
        bar.sendKeys(keys);
        return this;
    }

    String currentUrl() {
        return driver.getCurrentUrl();
    }

    TimelineUi awaitUrl(Pattern pattern) {
        wait.until(d -> pattern.matcher(d.getCurrentUrl()).find());
        return this;
    }

    private JavascriptExecutor js() {
        return (JavascriptExecutor) driver;
    }
}
