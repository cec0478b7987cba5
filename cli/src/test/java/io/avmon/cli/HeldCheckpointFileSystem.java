package io.avmon.cli;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.flink.core.fs.BlockLocation;
import org.apache.flink.core.fs.FSDataInputStream;
import org.apache.flink.core.fs.FSDataOutputStream;
import org.apache.flink.core.fs.FileStatus;
import org.apache.flink.core.fs.FileSystem;
import org.apache.flink.core.fs.FileSystemFactory;
import org.apache.flink.core.fs.Path;
import org.apache.flink.core.fs.local.LocalFileSystem;

/**
 * The local file system under the scheme {@code held:}, for checkpoint directories of tests that must kill a
 * TaskManager while a checkpoint is being written. Once {@link #hold()} is called, every TaskManager's write of
 * checkpoint state ({@code chk-N/<file>}, not the JobManager's {@code _metadata}) waits, so the checkpoint stays
 * in progress for as long as the test needs. {@link #release()} fails the waiting writes (a TaskManager killed
 * meanwhile never finishes them) and lets later writes through.
 *
 * <p>State small enough to travel inline in the metadata is never written by a TaskManager: a test that holds
 * checkpoints sets {@code execution.checkpointing.data-inline-threshold} (FS_SMALL_FILE_THRESHOLD) to 0.
 *
 * <p>Registered through {@code META-INF/services/org.apache.flink.core.fs.FileSystemFactory} (test resources).
 */
public final class HeldCheckpointFileSystem extends FileSystem {

    public static final String SCHEME = "held";

    private static final HeldCheckpointFileSystem INSTANCE = new HeldCheckpointFileSystem();
    /** How long a held write waits before giving up on its own, so a test that forgets to release cannot hang. */
    private static final Duration LONGEST_HOLD = Duration.ofMinutes(2);

    private final LocalFileSystem local = new LocalFileSystem();
    private volatile CountDownLatch released = new CountDownLatch(0);
    private volatile CountDownLatch held = new CountDownLatch(1);

    /** From now on, writes of checkpoint state wait until {@link #release()}. */
    public static synchronized void hold() {
        INSTANCE.held = new CountDownLatch(1);
        INSTANCE.released = new CountDownLatch(1);
    }

    /** Waits until a write of checkpoint state is being held: a checkpoint is then in progress on a TaskManager. */
    public static boolean awaitHeldWrite(Duration timeout) throws InterruptedException {
        return INSTANCE.held.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Fails the writes being held and lets every later write through. */
    public static synchronized void release() {
        INSTANCE.released.countDown();
    }

    /** A {@code held:} URI for a local directory. */
    public static String uriOf(java.nio.file.Path directory) {
        return SCHEME + "://" + directory.toAbsolutePath().toUri().getPath();
    }

    private static Path local(Path path) {
        return new Path("file", null, path.toUri().getPath());
    }

    private static boolean isCheckpointState(Path path) {
        Path parent = path.getParent();
        return parent != null
                && parent.getName().startsWith("chk-")
                && !path.getName().equals("_metadata");
    }

    @Override
    public FSDataOutputStream create(Path path, WriteMode overwrite) throws IOException {
        CountDownLatch waitFor = released;
        if (isCheckpointState(path) && waitFor.getCount() > 0) {
            held.countDown();
            try {
                waitFor.await(LONGEST_HOLD.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("held checkpoint write of " + path + " interrupted");
            }
            throw new IOException("held checkpoint write of " + path + " abandoned: its checkpoint was given up");
        }
        return local.create(local(path), overwrite);
    }

    @Override
    public Path getWorkingDirectory() {
        return local.getWorkingDirectory();
    }

    @Override
    public Path getHomeDirectory() {
        return local.getHomeDirectory();
    }

    @Override
    public URI getUri() {
        return URI.create(SCHEME + ":///");
    }

    @Override
    public FileStatus getFileStatus(Path path) throws IOException {
        return local.getFileStatus(local(path));
    }

    @Override
    public BlockLocation[] getFileBlockLocations(FileStatus file, long start, long len) throws IOException {
        return local.getFileBlockLocations(file, start, len);
    }

    @Override
    public FSDataInputStream open(Path path, int bufferSize) throws IOException {
        return local.open(local(path), bufferSize);
    }

    @Override
    public FSDataInputStream open(Path path) throws IOException {
        return local.open(local(path));
    }

    @Override
    public FileStatus[] listStatus(Path path) throws IOException {
        return local.listStatus(local(path));
    }

    @Override
    public boolean exists(Path path) throws IOException {
        return local.exists(local(path));
    }

    @Override
    public boolean delete(Path path, boolean recursive) throws IOException {
        return local.delete(local(path), recursive);
    }

    @Override
    public boolean mkdirs(Path path) throws IOException {
        return local.mkdirs(local(path));
    }

    @Override
    public boolean rename(Path from, Path to) throws IOException {
        return local.rename(local(from), local(to));
    }

    @Override
    public boolean isDistributedFS() {
        return false;
    }

    /** Found by Flink's ServiceLoader lookup of file systems on the classpath. */
    public static final class Factory implements FileSystemFactory {
        @Override
        public String getScheme() {
            return SCHEME;
        }

        @Override
        public FileSystem create(URI uri) {
            return INSTANCE;
        }
    }
}
