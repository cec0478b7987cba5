package io.avmon.cli.common;

import io.avmon.schema.StreamIdRule;
import java.net.URI;
import java.nio.file.Path;

/**
 * Stream ids as the commands take them: given with {@code --stream-id} (checked against {@link StreamIdRule}, the
 * one rule every module applies) or made from an input's file name (sanitised to that rule, never refused).
 */
public final class StreamIds {

    private StreamIds() {}

    /**
     * The file name without its extension, as analyze and features promise, with any character the rule does not
     * allow turned into {@code _} ("my clip.ts" is stream {@code my_clip}).
     */
    public static String fromFileName(String input) {
        String name = input;
        if (input.contains("://")) {
            URI uri = parseOrNull(input);
            String path = uri == null ? null : uri.getPath();
            name = path == null || path.isBlank() || path.equals("/")
                    ? (uri == null || uri.getHost() == null ? input : uri.getHost())
                    : path;
        }
        Path fileName = Path.of(name).getFileName();
        String base = fileName == null ? name : fileName.toString();
        int dot = base.lastIndexOf('.');
        return StreamIdRule.sanitise(dot > 0 ? base.substring(0, dot) : base);
    }

    /** {@code base} itself, or {@code base-n} cut so the suffix fits the rule's length, as the caller asks for. */
    public static String withSuffix(String base, int n) {
        String suffix = "-" + n;
        int keep = Math.min(base.length(), StreamIdRule.MAX_LENGTH - suffix.length());
        return base.substring(0, keep) + suffix;
    }

    /** The one-line error for a bad {@code --stream-id}, or null when it is valid. */
    public static String optionProblem(String streamId) {
        String problem = StreamIdRule.problem(streamId);
        return problem == null ? null : "--stream-id: " + problem;
    }

    private static URI parseOrNull(String input) {
        try {
            return URI.create(input);
        } catch (IllegalArgumentException notAUri) {
            return null;
        }
    }
}
