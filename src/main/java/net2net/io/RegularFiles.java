package net2net.io;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import net2net.Net2NetException;

/**
 * Inputs are read only when they are regular files (a symlink is followed first). A FIFO would
 * block the read for ever and /dev/zero never ends, so both are refused by their type before
 * they are opened; a size bound keeps a huge text file out of the heap.
 */
public final class RegularFiles {
    private RegularFiles() {}

    /** The file's size; refuses a missing file, a directory, a FIFO, a device or a socket. {@code fix} ends the message. */
    public static long require(Path file, String fix) {
        BasicFileAttributes a;
        try {
            a = Files.readAttributes(file, BasicFileAttributes.class);
        } catch (NoSuchFileException e) {
            throw new Net2NetException("cannot read " + file + ": it does not exist; " + fix);
        } catch (IOException e) {
            throw new Net2NetException(
                    "cannot read " + file + " (" + e.getClass().getSimpleName() + "); " + fix);
        }
        if (!a.isRegularFile()) {
            String kind = a.isDirectory() ? "a directory" : "a device, FIFO or socket";
            throw new Net2NetException("cannot read " + file + ": it is " + kind + ", not a regular file; " + fix);
        }
        return a.size();
    }

    /** A regular UTF-8 text file of at most {@code maxBytes}. */
    public static String readString(Path file, long maxBytes, String fix) {
        long size = require(file, fix);
        if (size > maxBytes) {
            throw new Net2NetException("cannot read " + file + ": " + size + " bytes, more than the " + maxBytes
                    + " such a file may have; " + fix);
        }
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (CharacterCodingException e) {
            throw new Net2NetException(file + " is not UTF-8 text; " + fix);
        } catch (IOException e) {
            throw new Net2NetException(
                    "cannot read " + file + " (" + e.getClass().getSimpleName() + "); " + fix);
        }
    }
}
