package io.nstrace.cli.context;

import io.nstrace.error.NstraceException;
import io.nstrace.session.SessionTable;

import java.util.List;
import java.util.Objects;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * What the {@code trace>} shell asks of the rest: whether a shell runs, whether stdin is a terminal, the
 * completion candidates (containers, sessions), the exit guard, the status bar and the launcher that starts it.
 * Wired to the {@link Services} by default; tests replace them.
 */
public final class ShellHooks {
    private java.util.function.Predicate<String> confirm;
    private boolean inShell;
    private boolean liveCandidates = true;
    private BooleanSupplier stdinIsTerminal = ShellHooks::consoleIsTerminal;
    private Supplier<List<String>> containerNames;
    private Supplier<List<String>> sessionNames;
    private ExitGuard exitGuard;
    private StatusSource statusSource;
    private ShellLauncher shellLauncher = history -> {
        throw NstraceException.user("this command model has no shell");
    };

    public ShellHooks(Services services) {
        this.containerNames = () -> discoveredNames(services);
        this.sessionNames = () -> services.sessionTableIfAny().map(SessionTable::names).orElse(List.of());
        this.exitGuard = () -> services.sessionTableIfAny().map(SessionTable::pendingWarning).orElse(null);
        this.statusSource = () -> services.sessionTableIfAny().map(SessionTable::statusLines).orElse(List.of());
    }

    /** Whether a {@code trace>} shell is running on this context (a nested one is refused). */
    public synchronized boolean inShell() {
        return inShell;
    }

    public synchronized void inShell(boolean on) {
        inShell = on;
    }

    /** Whether stdin is a terminal: plain {@code nstrace} then starts the shell. */
    public boolean stdinIsTerminal() {
        return stdinIsTerminal.getAsBoolean();
    }

    public void stdinIsTerminal(BooleanSupplier probe) {
        stdinIsTerminal = Objects.requireNonNull(probe);
    }

    private static boolean consoleIsTerminal() {
        java.io.Console console = System.console();
        return console != null && console.isTerminal();
    }

    /** Names of the containers that exist now, asked afresh on every completion (discovery wires it). */
    public List<String> containerNames() {
        return liveCandidates ? containerNames.get() : List.of();
    }

    public void containerNames(Supplier<List<String>> supplier) {
        containerNames = Objects.requireNonNull(supplier);
    }

    /** The names of the sessions attached now (none before the first attach), for completion. */
    public List<String> sessionNames() {
        return liveCandidates ? sessionNames.get() : List.of();
    }

    /**
     * Off while a completion script is generated: it would freeze the containers and sessions of that moment
     * into the script (they complete live in the shell only).
     */
    public void liveCandidates(boolean on) {
        liveCandidates = on;
    }

    /** Consulted when the shell is asked to exit (sessions wire it: traces not dumped yet). */
    /**
     * Asks the user a yes/no question: set by the interactive shell (on its terminal), absent otherwise (a script
     * or a one-shot command has nobody to ask).
     */
    public java.util.Optional<java.util.function.Predicate<String>> confirm() {
        return java.util.Optional.ofNullable(confirm);
    }

    public void confirm(java.util.function.Predicate<String> ask) {
        confirm = ask;
    }

    public ExitGuard exitGuard() {
        return exitGuard;
    }

    public void exitGuard(ExitGuard guard) {
        exitGuard = Objects.requireNonNull(guard);
    }

    /** The shell's bottom status line (sessions wire it: events/s and lost per session). */
    public StatusSource statusSource() {
        return statusSource;
    }

    public void statusSource(StatusSource source) {
        statusSource = Objects.requireNonNull(source);
    }

    /** Starts the shell: plain {@code nstrace} on a terminal and {@code nstrace shell} call it. */
    public ShellLauncher shellLauncher() {
        return shellLauncher;
    }

    public void shellLauncher(ShellLauncher launcher) {
        shellLauncher = Objects.requireNonNull(launcher);
    }

    /** Names of the containers a cheap discovery pass finds now; none when /proc cannot be scanned. */
    private static List<String> discoveredNames(Services services) {
        try {
            return services.discovery().scanNamespaces().containers().stream().map(c -> c.name()).toList();
        } catch (RuntimeException e) {
            return List.of(); // completion never fails
        }
    }
}
