package io.nstrace.build;

import java.io.IOException;
import java.lang.classfile.ClassFile;
import java.lang.classfile.ClassHierarchyResolver;
import java.lang.classfile.ClassModel;
import java.lang.classfile.ClassTransform;
import java.lang.classfile.CodeTransform;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;

/**
 * Build step (package phase, after shade): rewrites the jar's class files older than Java 6 (picocli 4.7 ships
 * Java 5 ones, version 49) as version 52 with stack maps, through the JDK's ClassFile API; the bytecode itself is
 * unchanged. Neither the AOT cache nor CDS archives an old class once it has been linked ("Skipping picocli/...:
 * Old class has been linked"), so every start loaded and verified ~190 picocli classes from the jar: measured side
 * by side, this takes ~20% off `--help` and `ps --json`. Every rewritten class is checked with the ClassFile API's
 * verifier; any error fails the build.
 */
public final class ClassFileUpgrade {
    private static final int OLDEST_KEPT = 50;
    private static final int TARGET = 52;

    private ClassFileUpgrade() {
    }

    public static void main(String[] args) throws IOException {
        Path jar = Path.of(args[0]);
        Path tmp = jar.resolveSibling(jar.getFileName() + ".upgrading");
        int n;
        try (URLClassLoader loader = new URLClassLoader(new URL[] {jar.toUri().toURL()}, null)) {
            ClassHierarchyResolver resolver = ClassHierarchyResolver.defaultResolver()
                    .orElse(ClassHierarchyResolver.ofResourceParsing(loader)).cached();
            ClassFile cf = ClassFile.of(ClassFile.StackMapsOption.GENERATE_STACK_MAPS,
                    ClassFile.ClassHierarchyResolverOption.of(resolver), ClassFile.ConstantPoolSharingOption.NEW_POOL);
            n = rewrite(cf, jar, tmp);
        }
        Files.move(tmp, jar, StandardCopyOption.REPLACE_EXISTING);
        System.out.println("class files upgraded to version " + TARGET + ": " + n + " in " + jar);
    }

    private static int rewrite(ClassFile cf, Path jar, Path tmp) throws IOException {
        int n = 0;
        try (ZipInputStream in = new ZipInputStream(Files.newInputStream(jar));
             ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(tmp))) {
            for (ZipEntry e = in.getNextEntry(); e != null; e = in.getNextEntry()) {
                byte[] bytes = in.readAllBytes();
                if (e.getName().endsWith(".class") && !e.getName().endsWith("module-info.class")) {
                    ClassModel model = cf.parse(bytes);
                    if (model.majorVersion() < OLDEST_KEPT) {
                        bytes = upgrade(cf, model, e.getName());
                        n++;
                    }
                }
                ZipEntry copy = new ZipEntry(e.getName());
                copy.setTime(e.getTime());
                out.putNextEntry(copy);
                out.write(bytes);
                out.closeEntry();
            }
        }
        return n;
    }

    private static byte[] upgrade(ClassFile cf, ClassModel model, String name) {
        // rebuilding every method body makes the ClassFile API compute its stack maps
        byte[] bytes = cf.transformClass(model, ClassTransform.transformingMethodBodies(CodeTransform.ACCEPT_ALL)
                .andThen(ClassTransform.endHandler(b -> b.withVersion(TARGET, 0))));
        List<VerifyError> errors = cf.verify(bytes);
        if (!errors.isEmpty()) {
            throw new IllegalStateException(name + " does not verify after the upgrade: " + errors.getFirst());
        }
        return bytes;
    }
}
