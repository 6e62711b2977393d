package org.pathways.pipeline;

import com.google.gson.JsonObject;
import java.nio.file.Path;
import org.pathways.data.LabelledImages;

/**
 * What identifies a data-set run, for {@link ResultLog}'s run.json: the experiment, the data set, the model and every
 * option that changes the numbers. The command line and the notebooks build it here, so both refuse to resume a
 * folder made with other settings.
 */
public final class RunConfig {
    private RunConfig() {}

    /** @param weights the checkpoint, or null for the backbone's default location */
    public static JsonObject of(String experiment, LabelledImages data, String backbone, Path weights, PerImage.Options o) {
        return of(experiment, data.name(), backbone, weights, o);
    }

    /** As above, for a data set known by its name (one that is not a {@link LabelledImages}, such as COCO's instances). */
    public static JsonObject of(String experiment, String dataset, String backbone, Path weights, PerImage.Options o) {
        JsonObject c = new JsonObject();
        c.addProperty("experiment", experiment);
        c.addProperty("dataset", dataset);
        c.addProperty("backbone", backbone);
        c.addProperty("weights", weights == null ? "default" : weights.toAbsolutePath().normalize().toString());
        c.addProperty("schedule", o.schedule().name());
        c.addProperty("passes", o.schedule().passesFor(backbone));
        c.addProperty("accumulation", o.accumulation());
        c.addProperty("eigs", o.eigs());
        c.addProperty("kMax", o.kMax());
        c.addProperty("seed", o.seed());
        c.addProperty("parametrisation", o.parametrisation());
        c.addProperty("learningRate", o.learningRate());
        c.addProperty("reuseWindowPass", o.reuseWindowPass());
        c.addProperty("graphTopK", o.graphTopK());
        c.addProperty("eigWeight", o.weights().eig());
        c.addProperty("orthoWeight", o.weights().ortho());
        // only when not the default, so that run folders made before these options existed still resume
        if (!o.solver().equals(PerImage.Options.DEFAULT_SOLVER)) c.addProperty("solver", o.solver());
        if (!o.init().equals(PerImage.Options.DEFAULT_INIT)) c.addProperty("init", o.init());
        return c;
    }
}
