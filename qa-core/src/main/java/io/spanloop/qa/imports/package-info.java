/**
 * Importing pretrained HuggingFace encoders as spanloop model versions, in Java only.
 *
 * <p>{@link io.spanloop.qa.imports.ModelImporter} reads a checkpoint ({@link
 * io.spanloop.qa.imports.SafetensorsReader} for {@code model.safetensors}, {@link
 * io.spanloop.qa.imports.OnnxWeights} for a BERT encoder exported to ONNX) and writes a version
 * directory whose {@code model.pt} is an <em>architecture template</em> grown to the checkpoint's
 * size. The templates ({@code templates/bert.pt}, {@code roberta.pt}, {@code distilbert.pt} next to
 * these classes, about 32 KB each) are scripted once by {@code
 * qa-core/src/test/python/make_templates.py}: a QA module (encoder + {@code qa_outputs}) with tiny
 * dimensions, HF parameter names, and exported methods to replace any parameter by a tensor of any
 * shape ({@code assign}, {@code resize}, {@code assign_layer}) and to set the numbers the shapes do
 * not tell ({@code set_int}/{@code set_float}: heads, activation, LayerNorm epsilon, dropouts, pad
 * id). Each per-layer HF tensor is one layer of a stacked parameter ({@code
 * bert.encoder.layer.3.attention.self.query.weight} is index 3 of {@code
 * bert.encoder.layer.attention.self.query.weight}, [layers, out, in]), so one template serves any
 * number of layers, and a grown model holds exactly the checkpoint's tensors. The forward keeps the
 * spanloop contract, {@code (input_ids, attention_mask[, token_type_ids]) -> (start_logits,
 * end_logits)}, is scripted (dropout works when fine-tuned), and {@code encode} returns the last
 * hidden state.
 *
 * <p>The importer starts the PyTorch engine if nothing has; apply {@link
 * io.spanloop.qa.EngineSettings} first where the engine's settings matter. It always runs on the
 * CPU.
 */
package io.spanloop.qa.imports;
