package io.nstrace.cli;

import io.nstrace.cli.context.AppContext;

import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.concurrent.Callable;

/**
 * {@code nstrace completion bash|zsh}: a completion script generated from the command model, to be sourced
 * ({@code source <(nstrace completion bash)}). zsh runs the bash script through {@code bashcompinit}. Value
 * lists (event names) are those that exist when the script is generated; container names complete live only in
 * the shell.
 */
@Command(name = "completion", mixinStandardHelpOptions = true,
        description = {"Prints a shell completion script: source <(nstrace completion bash), "
                + "or in ~/.zshrc: source <(nstrace completion zsh)."})
final class CompletionCommand implements Callable<Integer> {
    enum Shell { bash, zsh }

    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "SHELL", description = "bash or zsh.")
    Shell shell;

    @Override
    public Integer call() {
        CommandLine root = spec.root().commandLine();
        AppContext context = ((NstraceCommand) spec.root().userObject()).context();
        String bash;
        context.shell().liveCandidates(false);
        try {
            bash = AutoComplete.bash(root.getCommandName(), root);
        } finally {
            context.shell().liveCandidates(true);
        }
        PrintWriter out = spec.commandLine().getOut();
        if (shell == Shell.zsh) {
            out.println("#compdef " + root.getCommandName());
            out.println("# zsh runs the bash completion script below through bashcompinit, which it loads itself");
        }
        out.print(bash);
        out.flush();
        return 0;
    }
}
