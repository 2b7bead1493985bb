package io.github.mediamtxvod.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;

/**
 * RECORDINGS_DIR: resolved against the working directory, and an existing folder is proved
 * writable by creating and deleting a file in it, because {@link Files#isWritable} does not see
 * every reason a write fails (read-only mounts, ACLs, quotas). A missing folder is not created
 * here, so an invalid configuration leaves nothing behind; its nearest existing parent must be a
 * writable folder, and the recorder creates it when it starts.
 */
final class RecordingsDirectory {
    static final SettingType<Path> TYPE = SettingType.plain(
            (text, setting, workingDirectory) -> prepare(text, workingDirectory),
            folder -> DisplayText.quoted(folder.toString()));

    private RecordingsDirectory() {}

    /** The absolute, normalised folder. */
    private static Path prepare(String text, Path workingDirectory) throws InvalidValueException {
        Path folder;
        try {
            folder = workingDirectory.resolve(text).toAbsolutePath().normalize();
        } catch (InvalidPathException e) {
            throw new InvalidValueException(
                    "is not a valid path (" + e.getReason() + "); point it to a writable folder");
        }
        String shown = DisplayText.of(folder.toString());
        if (Files.exists(folder) && !Files.isDirectory(folder)) {
            throw new InvalidValueException(
                    "is not a folder (" + shown + " is a file); point it to a folder or move the file");
        }
        if (!Files.exists(folder)) {
            Path parent = folder.getParent();
            while (parent != null && !Files.exists(parent)) {
                parent = parent.getParent();
            }
            if (parent == null || !Files.isDirectory(parent) || !Files.isWritable(parent)) {
                String why = parent == null
                        ? "no existing parent"
                        : DisplayText.of(parent.toString()) + " is not a writable folder";
                throw new InvalidValueException("cannot be created as " + shown + " (" + why
                        + "); create the folder or point RECORDINGS_DIR to a writable one");
            }
            return folder;
        }
        try {
            Path probe = Files.createTempFile(folder, ".write-check-", ".tmp");
            Files.delete(probe);
        } catch (IOException e) {
            throw new InvalidValueException("is not writable (" + IoReason.of(e) + "); make " + shown
                    + " writable for the recorder's user or point RECORDINGS_DIR to a writable folder");
        }
        return folder;
    }
}
