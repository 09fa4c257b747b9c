package io.nstrace.session;

import io.nstrace.error.NstraceException;
import io.nstrace.cli.context.AppContext;
import io.nstrace.sys.Libc;
import io.nstrace.testing.CliRun;
import io.nstrace.testing.Require;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The spool and state roots against an unprivileged user's plants, made for real with setpriv as {@code nobody}
 * in a world-writable sticky directory standing in for /var/tmp: a symbolic link to a victim directory and a
 * 0777 directory of nobody's are both refused; a missing root is made 0700; the default spool root is
 * /var/tmp/nstrace and passes the same check.
 */
class PrivateDirTest {
    @TempDir
    Path tmp;
    private Path varTmp;

    @BeforeEach
    void worldWritableSticky() throws Exception {
        varTmp = tmp.resolve("var-tmp");
        Files.createDirectory(varTmp);
        Files.setPosixFilePermissions(varTmp, PosixFilePermissions.fromString("rwxrwxrwx"));
        sh("chmod", "1777", varTmp.toString());
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    private static void root() {
        Require.that(Require.KERNEL, Libc.geteuid() == 0, "needs root (setpriv to nobody)");
    }

    private static void asNobody(String... cmd) throws Exception {
        String[] all = new String[cmd.length + 5];
        System.arraycopy(new String[] {"setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups", "--"}, 0,
                all, 0, 5);
        System.arraycopy(cmd, 0, all, 5, cmd.length);
        sh(all);
    }

    private static void sh(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0, String.join(" ", cmd) + ": " + out);
    }

    @Test
    void aSymlinkPlantedByAnotherUserIsNeverFollowed() throws Exception {
        root();
        Path victim = tmp.resolve("victim");
        Path planted = varTmp.resolve("nstrace");
        asNobody("ln", "-s", victim.toString(), planted.toString());
        NstraceException e = assertThrows(NstraceException.class,
                () -> PrivateDir.ensureRoot(planted, "spool root", "give --spool DIR"));
        assertEquals(3, e.exitCode());
        assertEquals("spool root " + planted + " is a symbolic link to " + victim
                + "; refusing to use it (give --spool DIR)", e.getMessage());
        assertFalse(Files.exists(victim), "nothing made through the link");

        CliRun r = record(planted);
        assertEquals(3, r.exitCode(), r.err());
        assertEquals("nstrace record: " + e.getMessage() + "\n", r.err());
        assertFalse(Files.exists(victim));
        assertTrue(Files.isSymbolicLink(planted), "the plant is left as it was");
    }

    @Test
    void aWorldWritableDirectoryOfAnotherUserIsRefused() throws Exception {
        root();
        Path planted = varTmp.resolve("nstrace");
        asNobody("mkdir", "-m", "777", planted.toString());
        NstraceException e = assertThrows(NstraceException.class,
                () -> PrivateDir.ensureRoot(planted, "spool root", "give --spool DIR"));
        assertEquals(3, e.exitCode());
        assertEquals("spool root " + planted + " is owned by uid 65534, not by uid 0; refusing to use it "
                + "(give --spool DIR)", e.getMessage());
        CliRun r = record(planted);
        assertEquals(3, r.exitCode(), r.err());
        assertTrue(r.err().contains("is owned by uid 65534"), r.err());
        assertEquals(List.of(), listing(planted), "nothing written into it");
    }

    @Test
    void aRootOfOursWritableByOthersAndARootInsideAnotherUsersDirectoryAreRefused() throws Exception {
        root();
        Path open = varTmp.resolve("open");
        Files.createDirectory(open);
        sh("chmod", "777", open.toString());
        assertTrue(assertThrows(NstraceException.class, () -> PrivateDir.ensureRoot(open, "spool root", ""))
                .getMessage().contains("is writable by other users (mode 0777)"));
        Path theirs = varTmp.resolve("theirs");
        asNobody("mkdir", "-m", "755", theirs.toString());
        assertTrue(assertThrows(NstraceException.class,
                () -> PrivateDir.ensureRoot(theirs.resolve("spool"), "spool root", "")).getMessage()
                .contains("lies in " + theirs + ", owned by uid 65534"));
    }

    @Test
    void aMissingRootIsMade0700AndTheDefaultIsVarTmpNstrace() throws Exception {
        Path made = PrivateDir.ensureRoot(varTmp.resolve("nstrace"), "spool root", "");
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(made,
                LinkOption.NOFOLLOW_LINKS)));
        assertEquals(made, PrivateDir.ensureRoot(made, "spool root", ""), "an existing private root is fine");
        assertEquals(Path.of("/var/tmp/nstrace"), io.nstrace.cli.SpoolMixin.DEFAULT);
        root();
        // the default root goes through the same check (made 0700 when missing, refused if planted)
        Path def = PrivateDir.ensureRoot(io.nstrace.cli.SpoolMixin.DEFAULT, "spool root", "");
        assertEquals(0, (Integer) Files.getAttribute(def, "unix:uid", LinkOption.NOFOLLOW_LINKS));
    }

    private CliRun record(Path spool) {
        try (AppContext ctx = new AppContext(Path.of("/proc"), Optional.empty(), tmp.resolve("state"))) {
            return CliRun.run(ctx, "record", "pid:1", "-d", "1s", "--spool", spool.toString(), "-o",
                    tmp.resolve("x.dat").toString());
        }
    }

    private static List<Path> listing(Path dir) throws Exception {
        try (var s = Files.list(dir)) {
            return s.toList();
        }
    }
}
