package io.nstrace.cli;

import picocli.CommandLine.IVersionProvider;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/**
 * The version from the jar manifest and the commit from {@value #GIT_PROPERTIES}, both written by the build
 * (git-commit-id-maven-plugin writes the commit; a build from sources without .git leaves it out: "unknown").
 */
final class VersionProvider implements IVersionProvider {
    static final String GIT_PROPERTIES = "/io/nstrace/git.properties";

    @Override
    public String[] getVersion() {
        return lines(VersionProvider.class.getPackage().getImplementationVersion(), gitProperties());
    }

    static String[] lines(String version, Properties git) {
        return new String[] {"nstrace " + (version == null ? "(development build)" : version),
                "commit " + commit(git),
                "Java " + Runtime.version() + ", " + System.getProperty("os.name") + " " + System.getProperty("os.version")};
    }

    /** The full commit id, marked when the tree had uncommitted changes, or "unknown". */
    static String commit(Properties git) {
        String id = git.getProperty("git.commit.id.full", "").strip();
        if (!id.matches("[0-9a-f]{40,64}")) {
            return "unknown";
        }
        return Boolean.parseBoolean(git.getProperty("git.dirty")) ? id + " with uncommitted changes" : id;
    }

    private static Properties gitProperties() {
        Properties p = new Properties();
        try (InputStream in = VersionProvider.class.getResourceAsStream(GIT_PROPERTIES)) {
            if (in != null) {
                p.load(in);
            }
        } catch (IOException e) {
            p.clear(); // an unreadable resource is the same as none: the commit is unknown
        }
        return p;
    }
}
