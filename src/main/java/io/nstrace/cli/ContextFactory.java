package io.nstrace.cli;

import io.nstrace.cli.context.AppContext;

import picocli.CommandLine;
import picocli.CommandLine.IFactory;

import java.lang.reflect.Constructor;

/**
 * Creates commands and {@code completionCandidates} classes for picocli, handing the {@link AppContext}, or the part of it a
 * class's constructor takes ({@link io.nstrace.cli.context.Roots}, {@link io.nstrace.cli.context.Services},
 * {@link io.nstrace.cli.context.ShellHooks}), to every class with such a constructor ({@link ContainerCandidates}, {@link EventCandidates},
 * {@link NstraceCommand}); anything else goes to picocli's default factory. The no-argument constructor (a context
 * from the environment) is for build tools such as the man page generator.
 */
public final class ContextFactory implements IFactory {
    private final AppContext context;

    public ContextFactory() {
        this(AppContext.fromEnvironment());
    }

    public ContextFactory(AppContext context) {
        this.context = context;
    }

    @Override
    public <K> K create(Class<K> cls) throws Exception {
        for (Object part : new Object[] {context, context.roots(), context.services(), context.shell()}) {
            Constructor<K> withPart;
            try {
                withPart = cls.getDeclaredConstructor(part.getClass());
            } catch (NoSuchMethodException e) {
                continue;
            }
            withPart.setAccessible(true);
            return withPart.newInstance(part);
        }
        return CommandLine.defaultFactory().create(cls);
    }
}
