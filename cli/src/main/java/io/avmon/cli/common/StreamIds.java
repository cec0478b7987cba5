package io.avmon.cli.common;

import java.net.URI;
import java.nio.file.Path;

/** A stream id for an input: the file name without its extension, as analyze and features promise. */
public final class StreamIds {

    private StreamIds() {}

    public static String fromFileName(String input) {
        String name = input;
        if (input.contains("://")) {
            String path = URI.create(input).getPath();
            name = path == null || path.isBlank() || path.equals("/")
                    ? URI.create(input).getHost()
                    : path;
        }
        Path fileName = Path.of(name).getFileName();
        String base = fileName == null ? name : fileName.toString();
        int dot = base.lastIndexOf('.');
        return dot > 0 ? base.substring(0, dot) : base;
    }
}
