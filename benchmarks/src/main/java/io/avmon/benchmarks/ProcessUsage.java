package io.avmon.benchmarks;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** What a process has used so far, read from {@code /proc/<pid>} (proc(5)): the whole process, every thread. */
public final class ProcessUsage {

    private ProcessUsage() {}

    /** Clock ticks a second ({@code getconf CLK_TCK}), the unit of {@link #cpuTicks}. */
    public static long ticksPerSecond() throws IOException, InterruptedException {
        Process getconf = new ProcessBuilder("getconf", "CLK_TCK")
                .redirectErrorStream(true)
                .start();
        String out = new String(getconf.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        getconf.waitFor();
        return Long.parseLong(out.strip());
    }

    /** utime + stime of a process, in clock ticks ({@code getconf CLK_TCK} a second). */
    public static long cpuTicks(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc", String.valueOf(pid), "stat"));
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        // After the command: state is field 3 of proc(5), so utime (14) and stime (15) are at 11 and 12 here.
        return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
    }

    /** Resident set size, bytes: the VmRSS line of /proc/<pid>/status. */
    public static long residentBytes(long pid) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", String.valueOf(pid), "status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
            }
        }
        throw new IOException("no VmRSS in /proc/" + pid + "/status");
    }
}
