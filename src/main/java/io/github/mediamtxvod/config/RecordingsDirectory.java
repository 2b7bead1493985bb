package io.github.mediamtxvod.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;

/**
 * Checks RECORDINGS_DIR: resolves it against the working directory and proves an existing folder
 * writable by creating and deleting a file in it, because {@link Files#isWritable} does not see
 * every reason a write fails (read-only mounts, ACLs, quotas). A missing folder is not created
 * here, so an invalid configuration leaves nothing behind; its nearest existing parent must be a
 * writable folder, and the recorder creates it when it starts.
 */
final class RecordingsDirectory {
    private RecordingsDirectory() {}

    /** The absolute, normalised folder; problems are reported to {@code values}. */
    static Path prepare(SettingValues values, Path workingDirectory) {
        Setting setting = Setting.RECORDINGS_DIR;
        String text = values.text(setting);
        Path folder;
        try {
            folder = workingDirectory.resolve(text).toAbsolutePath().normalize();
        } catch (InvalidPathException e) {
            values.reject(setting, "is not a valid path (" + e.getReason() + "); point it to a writable folder");
            return workingDirectory.resolve(setting.defaultValue().orElseThrow()).toAbsolutePath().normalize();
        }
        String shown = DisplayText.of(folder.toString());
        if (Files.exists(folder) && !Files.isDirectory(folder)) {
            reject(values, text, "is not a folder (" + shown + " is a file); point it to a folder or move the file");
            return folder;
        }
        if (!Files.exists(folder)) {
            Path parent = folder.getParent();
            while (parent != null && !Files.exists(parent)) {
                parent = parent.getParent();
            }
            if (parent == null || !Files.isDirectory(parent) || !Files.isWritable(parent)) {
                reject(values, text, "cannot be created as " + shown + " ("
                        + (parent == null ? "no existing parent" : DisplayText.of(parent.toString()) + " is not a writable folder")
                        + "); create the folder or point RECORDINGS_DIR to a writable one");
            }
            return folder;
        }
        try {
            Path probe = Files.createTempFile(folder, ".write-check-", ".tmp");
            Files.delete(probe);
        } catch (IOException e) {
            reject(values, text, "is not writable (" + IoReason.of(e) + "); make " + shown
                    + " writable for the recorder's user or point RECORDINGS_DIR to a writable folder");
        }
        return folder;
    }

    /** The default folder may fail too; its message then shows the default value. */
    private static void reject(SettingValues values, String text, String what) {
        if (values.raw().value(Setting.RECORDINGS_DIR) != null) {
            values.reject(Setting.RECORDINGS_DIR, what);
        } else {
            values.error(Setting.RECORDINGS_DIR.name() + "=" + DisplayText.of(text) + " (the default) " + what);
        }
    }
}
