package io.nstrace.cli;

import io.nstrace.cli.context.AppContext;

import io.nstrace.cli.context.Services;

import io.nstrace.session.SessionReset;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;

/** {@code nstrace reset [--all] [--json]}: removes tracing sessions left behind by a killed nstrace. */
@Command(name = "reset", mixinStandardHelpOptions = true, description = {
        "Remove tracefs instances whose nstrace owner is gone (after a SIGKILL), with their state files.",
        "With --all, remove every nstrace-* instance, including those of running nstrace processes."})
public final class ResetCommand implements Callable<Integer> {
    @ParentCommand
    NstraceCommand parent;

    @Spec
    CommandSpec spec;

    @Option(names = "--all", description = "Remove every nstrace instance, live owners included.")
    boolean all;

    @Option(names = "--json", description = "Print what was removed as JSON.")
    boolean json;

    @Override
    public Integer call() {
        Services services = parent.services();
        Privileges.requireTracing(services);
        SessionReset reset = new SessionReset(services.traceFs(), services.procFs(), services.stateDir());
        SessionReset.Result r = all ? reset.all() : reset.orphans();
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            out.println("{\"instances\":" + array(r.instances()) + ",\"stateFiles\":" + array(r.stateFiles())
                    + ",\"spools\":" + array(r.spools()) + "}");
        } else if (r.instances().isEmpty() && r.stateFiles().isEmpty()) {
            out.println("nothing to reset");
        } else {
            r.instances().forEach(i -> out.println("removed instance " + i));
            r.spools().forEach(sp -> out.println("removed spool " + sp));
            out.println("removed " + r.instances().size() + " instance(s), " + r.stateFiles().size()
                    + " state file(s)" + (r.spools().isEmpty() ? "" : ", " + r.spools().size() + " spool(s)"));
        }
        out.flush();
        return 0;
    }

    private static String array(List<String> names) {
        return names.stream().map(n -> "\"" + n.replace("\\", "\\\\").replace("\"", "\\\"") + "\"")
                .collect(Collectors.joining(",", "[", "]"));
    }
}
