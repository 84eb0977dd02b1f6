package dev.edgegateway.bus;

/**
 * Marks an immutable message that travels the local event bus by reference: {@link LocalCodec} hands the
 * same object to the consumer, so nothing is re-encoded between verticles of one process.
 */
public interface LocalMessage {
}
