package io.nstrace.cli;


import io.nstrace.error.ExitCodes;
import io.nstrace.error.NstraceException;
import io.nstrace.session.SessionTable;

/** What the session commands share: the recordings of a shell, refused on the one-shot command line. */
final class ShellSessions {
    private ShellSessions() {
    }

    /**
     * The context's recordings; outside the shell there are none (a one-shot process detaches everything when it
     * exits), which is a usage error naming what to use instead.
     */
    static SessionTable of(NstraceCommand parent, String command) {
        if (!parent.shell().inShell()) {
            throw new NstraceException(ExitCodes.USAGE, "sessions live in the interactive shell only (a one-shot "
                    + "nstrace detaches them when it exits): run '" + command + "' in 'nstrace shell', or use "
                    + "'nstrace record'");
        }
        return parent.services().sessionTable();
    }
}
