package io.switchboard.deploycheck;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/** The dev overlay rendered once per test and broken on purpose: what the checks then report. */
final class BrokenOverlay {
    private static final StrictSchemas SCHEMAS = new StrictSchemas();

    private BrokenOverlay() {
    }

    static Rendered dev() {
        return RenderedOverlaysTest.render(Project.DEPLOY.resolve("overlays").resolve("dev")).copy();
    }

    static List<String> problemsAfter(Consumer<Rendered> breakIt) {
        return problemsIn("dev", breakIt);
    }

    /** The overlay of that name, rendered, broken, and checked. */
    static List<String> problemsIn(String overlay, Consumer<Rendered> breakIt) {
        Rendered broken = RenderedOverlaysTest.render(Project.DEPLOY.resolve("overlays").resolve(overlay)).copy();
        breakIt.accept(broken);
        List<String> problems = new ArrayList<>();
        broken.objects().forEach(o -> problems.addAll(SCHEMAS.validate(o)));
        problems.addAll(Rules.check(broken, Project.documentedSecrets(), Project.topicsInCode()));
        return problems;
    }
}
