package net2net.spec;

import java.util.List;
import net2net.Net2NetException;

/** Whole-architecture rules of token models: where embeddings may sit, and what a tied head may tie to. */
final class TransformerChecks {
    private TransformerChecks() {}

    static void check(List<Architecture.Located> all, List<Layer> layers) {
        for (Architecture.Located l : all) {
            if (l.layer() instanceof TransformerLayers.Embedding && !(l.topLevel() && l.index() == 0)) {
                throw new Net2NetException("embedding '" + l.name()
                        + "' must be the first layer: it reads the token ids the model takes as input");
            }
            if (l.layer() instanceof TransformerLayers.LmHead h && h.tied()) {
                Layer target = layers.get(0);
                if (!(target instanceof TransformerLayers.Embedding e)
                        || !e.name().equals(h.tie())) {
                    throw new Net2NetException(
                            "lm_head '" + h.name() + "' is tied to '" + h.tie()
                                    + "', which is not the model's embedding; tie it to the first layer's name or drop \"tie\"");
                }
                if (e.vocab() != h.vocab() || e.dim() != l.input().get(1)) {
                    throw new Net2NetException("lm_head '" + h.name() + "' (vocab " + h.vocab() + ", input "
                            + l.input().get(1) + ") cannot share embedding '" + e.name() + "' (vocab " + e.vocab()
                            + ", dim " + e.dim() + "); the sizes must match");
                }
            }
        }
    }
}
