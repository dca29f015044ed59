package io.spanloop.qa.imports;

/**
 * A pretrained model that cannot be imported: a missing or corrupt file, an unsupported
 * architecture or tensor type, tensors that disagree with the model's config or tokenizer. The
 * message says what is wrong and, where there is one, what to do about it. An import that fails
 * leaves nothing behind.
 */
public class ModelImportException extends RuntimeException {

    public ModelImportException(String message) {
        super(message);
    }

    public ModelImportException(String message, Throwable cause) {
        super(message, cause);
    }
}
