package io.github.mediamtxvod.upload;

import io.github.mediamtxvod.catalog.Catalog;
import io.github.mediamtxvod.catalog.CatalogException;
import io.github.mediamtxvod.catalog.Entry;
import io.github.mediamtxvod.catalog.SegmentState;
import io.github.mediamtxvod.recording.SegmentLayout;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The {@code verify [--since DAYS] [--repair]} command, like {@code rclone check}: every segment
 * the catalogue counts as confirmed in S3 (UPLOADED or LOCAL_DELETED, started in the last DAYS
 * days when given) is looked up in one listing of its day folder; each one missing from S3 or
 * of another size is printed with its key, the expected size and what was found. With {@code
 * --repair} each of those whose local file is still there goes back to PENDING, and a running
 * recorder uploads it again. Exit code 0 when everything is there, 1 when something is missing or
 * differs (also after a repair, until it is uploaded) or S3 or the catalogue cannot be read, 2 on
 * bad arguments or without S3 settings. Safe beside a running recorder: it takes no lock and
 * writes only the entries it repairs.
 */
public final class VerifyCommand {
    static final String USAGE = "Usage: verify [--since DAYS] [--repair]\n"
            + "  Compares the catalogue with S3 and prints every segment missing there or of another size.\n"
            + "  --since DAYS  only segments that started in the last DAYS days (0..36500)\n"
            + "  --repair      queue those whose local file is still there for upload again";
    private static final int MAX_DAYS = 36_500;
    private static final int PAGE = 1000;

    private final Catalog catalog;
    private final S3Inventory inventory;
    private final String prefix;
    private final boolean repair;
    private final PrintStream out;
    private String folder;
    private Map<String, S3Inventory.Found> listing = Map.of();
    private long checked;
    private long missing;
    private long differing;
    private long queued;
    private long unrepairable;
    private long leftAsTheyAre;

    private VerifyCommand(Catalog catalog, S3Inventory inventory, String prefix, boolean repair, PrintStream out) {
        this.catalog = catalog;
        this.inventory = inventory;
        this.prefix = prefix;
        this.repair = repair;
        this.out = out;
    }

    /** Runs the command; returns its exit code. */
    public static int run(Path recordingsDir, S3Config s3, List<String> args, PrintStream out, PrintStream err) {
        return run(recordingsDir, s3, args, out, err, InstantSource.system());
    }

    static int run(Path recordingsDir, S3Config s3, List<String> args, PrintStream out, PrintStream err,
            InstantSource clock) {
        Integer days = null;
        boolean repair = false;
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            if (arg.equals("--repair") && !repair) {
                repair = true;
            } else if (arg.equals("--since") && days == null && i + 1 < args.size()
                    && args.get(i + 1).matches("\\d{1,5}") && Integer.parseInt(args.get(i + 1)) <= MAX_DAYS) {
                days = Integer.parseInt(args.get(++i));
            } else {
                err.println("verify: unexpected argument '" + arg + "'" + (arg.equals("--since")
                        ? ": --since needs a whole number of days, 0 to " + MAX_DAYS : ""));
                err.println(USAGE);
                return 2;
            }
        }
        if (!s3.enabled()) {
            err.println("verify: uploads are off (no S3 setting is given), so there is nothing in S3 to compare with;"
                    + " set S3_BUCKET_NAME (and S3_ENDPOINT_URL, S3_ACCESS_KEY_ID, S3_SECRET_ACCESS_KEY as needed)");
            return 2;
        }
        if (!Files.exists(Catalog.databaseFile(recordingsDir))) {
            out.println("Nothing to verify: there is no catalogue at " + Catalog.databaseFile(recordingsDir));
            return 0;
        }
        Instant from = days == null ? Instant.EPOCH : clock.instant().minus(Duration.ofDays(days));
        try (Catalog catalog = new Catalog(recordingsDir, clock); S3Client client = S3Clients.client(s3, 2)) {
            catalog.startBeside();
            VerifyCommand command = new VerifyCommand(catalog, new S3Inventory(client, s3.bucket(), 1), s3.prefix(),
                    repair, out);
            return command.verify(from, days, "bucket '" + s3.bucket() + "' at " + S3Clients.describeEndpoint(s3));
        } catch (SdkException e) {
            err.println("verify failed: cannot list bucket '" + s3.bucket() + "' at " + S3Clients.describeEndpoint(s3)
                    + ": " + FailureKind.describe(e));
            return 1;
        } catch (CatalogException | IOException e) {
            err.println("verify failed: " + e.getMessage());
            return 1;
        }
    }

    private int verify(Instant from, Integer days, String target) throws IOException {
        String after = "";
        while (true) {
            List<Entry> page = catalog.confirmedFrom(from, after, PAGE);
            for (Entry entry : page) {
                check(entry);
            }
            if (page.size() < PAGE) {
                break;
            }
            after = page.getLast().relativePath();
        }
        Map<SegmentState, Long> states = catalog.countByState();
        out.printf(Locale.ROOT, "Checked %d segments confirmed in S3%s against %s: %d present, %d missing, %d of another size"
                        + " (%d listings).%n", checked, days == null ? "" : " that started in the last " + days + " days",
                target, checked - missing - differing, missing, differing, inventory.listings());
        out.printf(Locale.ROOT, "Not checked: %d segments still queued for upload, %d quarantined.%n",
                states.get(SegmentState.PENDING) + states.get(SegmentState.UPLOADING), states.get(SegmentState.QUARANTINED));
        if (repair) {
            out.printf(Locale.ROOT, "Repair: %d segments queued for upload again (a running recorder uploads them; run verify again"
                    + " afterwards), %d cannot be repaired (their local file is gone), %d left as they are (S3 holds other"
                    + " bytes under the key, which an upload never replaces).%n", queued, unrepairable, leftAsTheyAre);
        }
        return missing + differing > 0 ? 1 : 0;
    }

    private void check(Entry entry) throws IOException {
        checked++;
        String key = entry.confirmation() != null
                ? entry.confirmation().key()
                : SegmentLayout.s3Key(prefix, entry.relativePath());
        long expected = entry.confirmation() != null ? entry.confirmation().sizeBytes() : entry.segment().sizeBytes();
        String keyFolder = S3Inventory.folderOf(key);
        if (!keyFolder.equals(folder)) {
            // entries come in path order, so each day folder is listed once
            listing = inventory.list(keyFolder);
            folder = keyFolder;
        }
        S3Inventory.Found found = listing.get(key);
        if (found != null && found.sizeBytes() == expected) {
            return;
        }
        String problem;
        if (found == null) {
            missing++;
            problem = "missing  " + key + "  expected " + expected + " bytes, found no object";
        } else {
            differing++;
            problem = "differs  " + key + "  expected " + expected + " bytes, found " + found.sizeBytes() + " bytes";
        }
        out.println(problem);
        if (repair && found != null) {
            leftAsTheyAre++;
            out.println("         left as it is: an upload never replaces other bytes in S3; compare the object with "
                    + catalog.localFile(entry) + ", delete it if the local file is right, and run verify --repair again");
        } else if (repair) {
            repair(entry, problem);
        }
    }

    private void repair(Entry entry, String problem) throws IOException {
        Path file = catalog.localFile(entry);
        boolean local = entry.state() == SegmentState.UPLOADED && Files.isRegularFile(file)
                && Files.size(file) == entry.segment().sizeBytes();
        if (local && catalog.requeueUnconfirmed(entry, "verify: " + problem)) {
            queued++;
            out.println("         queued for upload again from " + file);
        } else {
            unrepairable++;
            out.println("         cannot be repaired: no local file of " + entry.segment().sizeBytes() + " bytes at " + file);
        }
    }
}
