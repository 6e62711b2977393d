package org.pathways.cli;

import org.pathways.data.Images;
import picocli.CommandLine.Option;

/**
 * {@code --allow-partial-images}, on every command that reads images (through {@link BackboneOptions}): a truncated or
 * damaged image is refused unless it is given. The setter runs on every parse (the default included), so a command
 * never inherits the previous one's choice in the same JVM.
 */
final class PartialImagesOption {
    @Option(names = "--allow-partial-images", defaultValue = "false", fallbackValue = "true", arity = "0",
            description = "Use what decodes of a truncated or damaged image (with a warning line) instead of refusing it.")
    void allowPartialImages(boolean allow) {
        Images.allowPartialImages(allow);
    }
}
