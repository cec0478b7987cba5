package io.avmon.converter;

import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Which URL schemes a converter may open. FFmpeg reads far more than network feeds: {@code file:}, {@code concat:},
 * {@code subfile:}, {@code pipe:}, {@code fd:} and others reach local files and descriptors, and an input URL often
 * comes from configuration that someone other than the host's owner writes. So a URL opens only when its scheme is
 * on the list, and FFmpeg is told the same list ({@code protocol_whitelist}), so that nothing the input opens in
 * turn (HLS segments, an RTSP session's RTP) reaches a protocol off it.
 *
 * <p>A plain path (no scheme) is a local file the operator named on the command line, as {@code analyze}, the demo
 * and {@code convert --loop clip.ts} use, and always opens; what it opens in turn is limited to local files.
 *
 * @param allowed lower-case scheme names
 */
public record InputSchemes(Set<String> allowed) {
    /** The default: network inputs only. */
    public static final String DEFAULT_LIST = "udp,rtp,rtsp,srt,rtmp,rtmps,http,https,tcp";

    /**
     * Protocols FFmpeg opens underneath an allowed network scheme (https over tls over tcp, RTSP's rtp and udp,
     * HLS's crypto). None reaches a local file, so they join every URL's whitelist.
     */
    private static final Set<String> TRANSPORTS = Set.of("tcp", "tls", "udp", "rtp", "srtp", "crypto", "httpproxy");

    /** FFmpeg's URL_SCHEME_CHARS, followed by the colon that makes a prefix a protocol. */
    private static final Pattern SCHEME = Pattern.compile("^([A-Za-z0-9+.-]+):");

    private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9+.-]*");

    /** Declared after the patterns parse() uses. */
    public static final InputSchemes DEFAULT = parse(DEFAULT_LIST);

    public InputSchemes {
        allowed = Set.copyOf(allowed);
    }

    /**
     * Reads a comma-separated list ("udp,srt,https").
     *
     * @throws IllegalArgumentException naming the first entry that is not a scheme name
     */
    public static InputSchemes parse(String list) {
        Set<String> schemes = new LinkedHashSet<>();
        for (String entry : list.split(",")) {
            String scheme = entry.strip().toLowerCase(Locale.ROOT);
            if (!NAME.matcher(scheme).matches()) {
                throw new IllegalArgumentException("not a URL scheme: '" + entry.strip() + "' in '" + list + "'");
            }
            schemes.add(scheme);
        }
        return new InputSchemes(schemes);
    }

    /**
     * The protocol FFmpeg would open {@code input} with, lower case; null for a plain path. FFmpeg takes any prefix of
     * scheme characters before a colon as a protocol, and "subfile," as the start of subfile's options.
     */
    public static String schemeOf(String input) {
        if (input.startsWith("subfile,")) {
            return "subfile";
        }
        var matcher = SCHEME.matcher(input);
        return matcher.find() ? matcher.group(1).toLowerCase(Locale.ROOT) : null;
    }

    /**
     * @throws MediaInputException (permanent) "INPUT: scheme 'file' is not allowed (allowed: ...)"
     */
    public void check(String input) throws MediaInputException {
        String scheme = schemeOf(input);
        if (scheme != null && !allowed.contains(scheme)) {
            throw MediaInputException.permanent(
                    input + ": scheme '" + scheme + "' is not allowed (allowed: " + this + "; see --allowed-schemes)");
        }
    }

    /** FFmpeg's protocol_whitelist for {@code input}: local files for a plain path; else the list and transports. */
    public String ffmpegWhitelist(String input) {
        if (schemeOf(input) == null) {
            return "file";
        }
        Set<String> protocols = new TreeSet<>(allowed);
        protocols.addAll(TRANSPORTS);
        return String.join(",", protocols);
    }

    @Override
    public String toString() {
        return String.join(",", new TreeSet<>(allowed));
    }
}
