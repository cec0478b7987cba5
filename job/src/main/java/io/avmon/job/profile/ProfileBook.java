package io.avmon.job.profile;

import io.avmon.job.core.DetectionProfile;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;

/**
 * Every stream's {@link DetectionProfile}: the defaults, and the streams that override them, each resolved in
 * full when the book is read, so looking a stream up on the hot path is one hash lookup.
 */
public final class ProfileBook implements Serializable {
    private static final long serialVersionUID = 1L;

    private final DetectionProfile defaults;
    private final Map<String, DetectionProfile> streams;
    private final String revision;

    ProfileBook(DetectionProfile defaults, Map<String, DetectionProfile> streams, String revision) {
        this.defaults = Objects.requireNonNull(defaults, "defaults");
        this.streams = new HashMap<>(streams);
        this.revision = Objects.requireNonNull(revision, "revision");
    }

    /** One profile for every stream, as when no profile file is given. */
    public static ProfileBook of(DetectionProfile defaults) {
        return new ProfileBook(defaults, Map.of(), "built-in");
    }

    public DetectionProfile defaults() {
        return defaults;
    }

    /** This book with every profile's state retention set to {@code retention} (the job's, fixed at start). */
    public ProfileBook withStateRetention(Duration retention) {
        Map<String, DetectionProfile> resolved = new HashMap<>();
        streams.forEach((stream, profile) -> resolved.put(stream, profile.withStateRetention(retention)));
        return new ProfileBook(defaults.withStateRetention(retention), resolved, revision);
    }

    /** The profile of {@code streamId}: its override if the book has one, else the defaults. */
    public DetectionProfile forStream(String streamId) {
        DetectionProfile profile = streams.get(streamId);
        return profile != null ? profile : defaults;
    }

    /** The streams with an override, sorted. */
    public Set<String> overriddenStreams() {
        return new TreeMap<>(streams).keySet();
    }

    /** Names the document the book was read from (the first 12 hex digits of its SHA-256), for logs and replies. */
    public String revision() {
        return revision;
    }

    static String revisionOf(String document) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(document.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 6);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ProfileBook b && defaults.equals(b.defaults) && streams.equals(b.streams);
    }

    @Override
    public int hashCode() {
        return Objects.hash(defaults, streams);
    }

    @Override
    public String toString() {
        return "ProfileBook{" + revision + ", overrides for " + overriddenStreams() + "}";
    }
}
